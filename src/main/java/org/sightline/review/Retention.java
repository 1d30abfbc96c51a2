package org.sightline.review;

import org.sightline.store.Periodic;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.sightline.audit.AuditLog;
import org.sightline.ingest.MediaDerivatives;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the pictures and post context of media only while they serve moderation: media that passed (no case) lose
 * their blurred preview, colour copy and post context (text, content warning, author) after
 * {@code retention.passed_media_days}; media of decided cases after
 * {@code retention.case_days} (the case keeps its record and statement). The hashes stay, for retroactive
 * matching. Media of undecided cases, and media that are the reference of a bank entry, keep their pictures. Each
 * run that deletes something writes one audit event with the counts, in the deleting transaction.
 */
public final class Retention {
    private static final int BATCH = 500;

    private final Jdbi jdbi;
    private final MediaDerivatives derivatives;
    private final AuditLog audit;
    private final Clock clock;
    private final RetentionSettings settings;
    private Periodic timer;

    public Retention(Jdbi jdbi, MediaDerivatives derivatives, AuditLog audit, Clock clock, RetentionSettings settings) {
        this.jdbi = jdbi;
        this.derivatives = derivatives;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
    }

    /** What one run deleted: media items whose pictures went, by reason. */
    public record Purged(int passedMedia, int decidedCaseMedia) {
        public int total() {
            return passedMedia + decidedCaseMedia;
        }
    }

    /** One run: deletes, in batches, what is past its retention. */
    public Purged purge() {
        Instant now = clock.instant();
        Instant passedCutoff = now.minus(settings.passedMedia());
        Instant caseCutoff = now.minus(settings.decidedCases());
        int passed = 0, decided = 0;
        while (true) {
            int[] counts = jdbi.inTransaction(h -> {
                Dao dao = h.attach(Dao.class);
                List<Long> p = dao.passedBefore(passedCutoff, BATCH);
                List<Long> d = dao.decidedBefore(caseCutoff, BATCH);
                derivatives.delete(h, p);
                derivatives.delete(h, d);
                if (!p.isEmpty() || !d.isEmpty()) {
                    audit.append(h, AuditLog.SYSTEM, "retention_purge", "media",
                            "passed_media=" + p.size() + " decided_case_media=" + d.size()
                                    + " (previews, colour copies and post context deleted; hashes kept)");
                }
                return new int[]{p.size(), d.size()};
            });
            passed += counts[0];
            decided += counts[1];
            if (counts[0] < BATCH && counts[1] < BATCH) break;
        }
        return new Purged(passed, decided);
    }

    /** Runs {@link #purge} every {@code retention.purge_interval_s}. */
    public synchronized void start() {
        if (timer == null) timer = Periodic.every("retention-purge", settings.purgeInterval(), this::purge);
    }

    public synchronized void stop() {
        Periodic.close(timer);
        timer = null;
    }

    interface Dao {
        /**
         * Media that passed, with pictures or a post context, scanned before the cutoff, with no case and no entry
         * referring to it.
         */
        @SqlQuery("SELECT m.id FROM media_overview m WHERE (m.has_preview OR m.has_post) AND m.decision = 'pass'"
                + " AND m.processed_at < :cutoff"
                + " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.media_id = m.id)"
                + " AND NOT EXISTS (SELECT 1 FROM entry_references r WHERE r.media_id = m.id)"
                + " ORDER BY m.id FETCH FIRST :limit ROWS ONLY")
        List<Long> passedBefore(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

        /** Media of cases decided before the cutoff, with pictures or a post context, that no bank entry refers to. */
        @SqlQuery("SELECT m.id FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE c.state = 'decided'"
                + " AND c.decided_at < :cutoff AND (m.has_preview OR m.has_post)"
                + " AND NOT EXISTS (SELECT 1 FROM entry_references r WHERE r.media_id = m.id)"
                + " ORDER BY m.id FETCH FIRST :limit ROWS ONLY")
        List<Long> decidedBefore(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);
    }
}
