package org.sightline.audit;

import org.sightline.common.Digests;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit log. Each event's hash covers the previous event's hash and the event's own fields,
 * each length-prefixed so no two different events share a canonical form; the head row holds the last sequence
 * number and hash, so deleting the newest rows is caught too. The hash is HMAC-SHA256 with the {@link AuditKey}
 * (kept outside the database) from event {@code keyed_from} on; events written before the key existed keep
 * their plain SHA-256 hashes. Whoever can write the database but not read the key cannot recompute the chain.
 */
public final class AuditLog {
    public static final String GENESIS = "0".repeat(64);
    /** The actor of what Sightline does on its own: automatic actions and undos, jobs, purges, submissions. */
    public static final String SYSTEM = "sightline";
    private static final int PAGE = 1000;
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final AuditKey key;

    private AuditLog(Jdbi jdbi, Clock clock, AuditKey key) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.key = key;
    }

    /**
     * The log of this database, keyed with {@code key}. The first time a log is opened with a key, the chain is
     * keyed from the next event on ({@code keyed_from}, with a mark only the key can make). A key that does not
     * make the recorded mark is reported (its events will not verify) but does not stop the server.
     */
    public static AuditLog open(Jdbi jdbi, Clock clock, AuditKey key) {
        AuditLog audit = new AuditLog(jdbi, clock, key);
        jdbi.useTransaction(h -> {
            AuditDao dao = h.attach(AuditDao.class);
            AuditDao.Head head = dao.lockHead();
            if (head.keyMark() != null) {
                if (!audit.markMatches(head)) {
                    log.error("the audit key {} is not the key this database's audit log is kept with: events written"
                            + " now will not verify. Nodes sharing one database must share {}.", key, AuditKey.FILE);
                }
                return;
            }
            long from = head.seq() + 1;
            dao.markKeyed(from, audit.mark(from));
            if (head.seq() > 0) {
                String why = key.created() ? "" : "; the key file existed but the database had no key mark"
                        + " (a database restored from before the upgrade, or one whose audit head was edited)";
                log.warn("the audit log is keyed from event {} on{}", from, why);
                audit.append(h, "system", "audit_keyed", "audit", "HMAC-SHA256 from event " + from + why);
            }
        });
        return audit;
    }

    private String mark(long keyedFrom) {
        return key.macHex("keyed-from:" + keyedFrom);
    }

    private boolean markMatches(AuditDao.Head head) {
        return head.keyMark() != null && head.keyedFrom() != null && MessageDigest.isEqual(
                head.keyMark().getBytes(StandardCharsets.US_ASCII),
                mark(head.keyedFrom()).getBytes(StandardCharsets.US_ASCII));
    }

    private String hashOf(Long keyedFrom, String prev, long seq, Instant at, String actor, String action,
                          String target, String detail) {
        String canonical = canonical(prev, seq, at, actor, action, target, detail);
        return keyedFrom != null && seq >= keyedFrom ? key.macHex(canonical) : sha256(canonical);
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
        String hash = hashOf(head.keyedFrom(), head.hash(), seq, at, actor, action, target, d);
        AuditEvent e = new AuditEvent(seq, at, actor, action, target, d, head.hash(), hash);
        dao.insert(e);
        dao.moveHead(seq, hash);
        return e;
    }

    public List<AuditEvent> search(String actor, String action, String target, long beforeSeq, int limit) {
        return jdbi.onDemand(AuditDao.class).search(nz(actor), nz(action), nz(target), beforeSeq, limit);
    }

    /** {@link #search}, only events at or after {@code since}. */
    public List<AuditEvent> search(String actor, String action, String target, Instant since, long beforeSeq, int limit) {
        return jdbi.onDemand(AuditDao.class).searchSince(nz(actor), nz(action), nz(target), since, beforeSeq, limit);
    }

    public List<AuditDao.RevealCount> revealCounts(Instant since) {
        return jdbi.onDemand(AuditDao.class).revealCounts(since);
    }

    /**
     * What {@link #verify} found: the first bad sequence number and why, or empty when the chain is whole;
     * {@code keyedFrom} is the first event hashed with the key.
     */
    public record Verification(long events, Optional<Long> firstBad, String problem, long keyedFrom) {
        public boolean ok() {
            return firstBad.isEmpty();
        }
    }

    /** A signer that uses the audit key itself (when the instance has no list-signing key). */
    public Checkpoint.Signer hmacSigner() {
        String keyId = key.macHex("sightline-audit-key-id").substring(0, 16);
        return new Checkpoint.Signer() {
            @Override
            public String kind() {
                return "hmac-sha256";
            }

            @Override
            public String keyId() {
                return keyId;
            }

            @Override
            public String sign(byte[] message) {
                return Base64.getEncoder().encodeToString(key.mac(message));
            }

            @Override
            public boolean verify(Checkpoint cp) {
                if (!kind().equals(cp.signer()) || !keyId.equals(cp.keyId()) || cp.signature() == null) return false;
                try {
                    return MessageDigest.isEqual(key.mac(cp.signedBytes()), Base64.getDecoder().decode(cp.signature()));
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        };
    }

    /** The current head, signed. */
    public Checkpoint checkpoint(Checkpoint.Signer signer) {
        AuditDao.Head head = jdbi.onDemand(AuditDao.class).head();
        Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new Checkpoint(head.seq(), head.hash(), at, signer.kind(), signer.keyId(),
                signer.sign(Checkpoint.signedBytes(head.seq(), head.hash(), at)));
    }

    /**
     * {@link #verify()}, and that the log still holds the checkpoint's head: the checkpoint's signature must check
     * out with {@code signer}, and event {@code seq} must still carry the checkpoint's hash.
     */
    public Verification verify(Checkpoint cp, Checkpoint.Signer signer) {
        if (!signer.verify(cp)) {
            return bad(0, cp.seq(), "the checkpoint's signature does not check out (signed by " + cp.signer() + " key "
                    + cp.keyId() + "; this data directory's key is " + signer.kind() + " " + signer.keyId() + ")");
        }
        String held = cp.seq() == 0 ? GENESIS
                : jdbi.onDemand(AuditDao.class).event(cp.seq()).map(AuditEvent::hash).orElse(null);
        if (held == null) {
            return bad(0, cp.seq(), "event " + cp.seq() + " of the checkpoint (" + cp.at() + ") is missing");
        }
        if (!held.equals(cp.hash())) {
            return bad(0, cp.seq(), "event " + cp.seq() + " no longer has the hash the checkpoint of " + cp.at()
                    + " recorded: the log was rewritten since");
        }
        return verify();
    }

    /** Walks the whole chain from the first event; stops at the first row that does not fit. */
    public Verification verify() {
        AuditDao dao = jdbi.onDemand(AuditDao.class);
        AuditDao.Head start = dao.head();
        if (!markMatches(start)) {
            return new Verification(0, Optional.of(start.keyedFrom() == null ? 1 : start.keyedFrom()),
                    start.keyMark() == null
                            ? "the audit head carries no key mark: it was edited (or the log was never opened with a key)"
                            : "the key mark does not match " + key + ": the wrong key file (nodes sharing a database"
                            + " must share " + AuditKey.FILE + "), or the start of the keyed chain was edited", 0);
        }
        long keyedFrom = start.keyedFrom();
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
                String h = hashOf(keyedFrom, e.prevHash(), e.seq(), e.at(), e.actor(), e.action(), e.target(), e.detail());
                if (!MessageDigest.isEqual(h.getBytes(StandardCharsets.US_ASCII), e.hash().getBytes(StandardCharsets.US_ASCII))) {
                    String how = e.seq() >= keyedFrom && sha256(canonical(e.prevHash(), e.seq(), e.at(), e.actor(),
                            e.action(), e.target(), e.detail())).equals(e.hash())
                            ? " was altered and its hash recomputed without the key"
                            : " was altered (its hash does not match its fields)";
                    return bad(expectedSeq - 1, e.seq(), "event " + e.seq() + how);
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
        return new Verification(last, Optional.empty(), "", keyedFrom);
    }

    private static Verification bad(long goodEvents, long seq, String problem) {
        return new Verification(goodEvents, Optional.of(seq), problem, 0);
    }

    /** The unkeyed hash of events before {@code keyed_from} (and of every event before the key existed). */
    static String hash(String prev, long seq, Instant at, String actor, String action, String target, String detail) {
        return sha256(canonical(prev, seq, at, actor, action, target, detail));
    }

    private static String canonical(String prev, long seq, Instant at, String actor, String action, String target,
                                    String detail) {
        StringBuilder sb = new StringBuilder(prev).append('\n');
        for (String f : new String[]{Long.toString(seq), at.toString(), actor, action, target, detail}) {
            sb.append(f.length()).append(':').append(f).append('\n');
        }
        return sb.toString();
    }

    private static String sha256(String canonical) {
        return Digests.sha256Hex(canonical);
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
