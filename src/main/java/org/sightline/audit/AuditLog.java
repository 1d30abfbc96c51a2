package org.sightline.audit;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit log. Each event's hash is SHA-256 over the previous event's hash and the event's own
 * fields, each length-prefixed so no two different events share a canonical form; the head row holds the last
 * sequence number and hash, so deleting the newest rows is caught too.
 */
public final class AuditLog {
    public static final String GENESIS = "0".repeat(64);
    private static final int PAGE = 1000;

    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Appends in its own transaction. */
    public AuditEvent append(String actor, String action, String target, String detail) {
        return jdbi.inTransaction(h -> append(h, actor, action, target, detail));
    }

    /** Appends inside the caller's transaction, so the event commits (or not) with what it records. */
    public AuditEvent append(Handle h, String actor, String action, String target, String detail) {
        AuditDao dao = h.attach(AuditDao.class);
        AuditDao.Head head = dao.lockHead();
        long seq = head.seq() + 1;
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String d = detail == null ? "" : detail.length() > 4000 ? detail.substring(0, 4000) : detail;
        String hash = hash(head.hash(), seq, at, actor, action, target, d);
        AuditEvent e = new AuditEvent(seq, at, actor, action, target, d, head.hash(), hash);
        dao.insert(e);
        dao.moveHead(seq, hash);
        return e;
    }

    public List<AuditEvent> search(String actor, String action, String target, long beforeSeq, int limit) {
        return jdbi.onDemand(AuditDao.class).search(nz(actor), nz(action), nz(target), beforeSeq, limit);
    }

    public List<AuditDao.RevealCount> revealCounts(Instant since) {
        return jdbi.onDemand(AuditDao.class).revealCounts(since);
    }

    /** What {@link #verify} found: the first bad sequence number and why, or empty when the chain is whole. */
    public record Verification(long events, Optional<Long> firstBad, String problem) {
        public boolean ok() {
            return firstBad.isEmpty();
        }
    }

    /** Walks the whole chain from the first event; stops at the first row that does not fit. */
    public Verification verify() {
        AuditDao dao = jdbi.onDemand(AuditDao.class);
        String prev = GENESIS;
        long expectedSeq = 1;
        long after = 0;
        while (true) {
            List<AuditEvent> page = dao.page(after, PAGE);
            for (AuditEvent e : page) {
                if (e.seq() != expectedSeq) {
                    return bad(expectedSeq - 1, expectedSeq, "event " + expectedSeq + " is missing (next is " + e.seq() + ")");
                }
                if (!e.prevHash().equals(prev)) {
                    return bad(expectedSeq - 1, e.seq(), "event " + e.seq() + " does not follow the event before it");
                }
                String h = hash(e.prevHash(), e.seq(), e.at(), e.actor(), e.action(), e.target(), e.detail());
                if (!h.equals(e.hash())) {
                    return bad(expectedSeq - 1, e.seq(), "event " + e.seq() + " was altered (its hash does not match its fields)");
                }
                prev = e.hash();
                expectedSeq++;
            }
            if (page.size() < PAGE) break;
            after = page.get(page.size() - 1).seq();
        }
        AuditDao.Head head = dao.head();
        long last = expectedSeq - 1;
        if (head.seq() != last || !head.hash().equals(prev)) {
            return bad(last, last + 1, "the log ends at event " + last + " but its head records event " + head.seq()
                    + ": the newest events were deleted");
        }
        return new Verification(last, Optional.empty(), "");
    }

    private static Verification bad(long goodEvents, long seq, String problem) {
        return new Verification(goodEvents, Optional.of(seq), problem);
    }

    static String hash(String prev, long seq, Instant at, String actor, String action, String target, String detail) {
        StringBuilder sb = new StringBuilder(prev).append('\n');
        for (String f : new String[]{Long.toString(seq), at.toString(), actor, action, target, detail}) {
            sb.append(f.length()).append(':').append(f).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
