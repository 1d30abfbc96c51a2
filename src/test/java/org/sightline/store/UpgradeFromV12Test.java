package org.sightline.store;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.MediaDao;
import org.sightline.ingest.MediaRecord;
import org.sightline.ingest.ScanOutcome;
import org.sightline.decide.Outcome;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made by the schema of the previous release (V12), filled with media in every state and a share
 * proposal, upgrades to the current schema with nothing lost: source facts, work state, hashes, verdicts, blobs,
 * the rows of other tables that point at media, and the proposal with its approvals in their own tables.
 */
class UpgradeFromV12Test {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final Instant T1 = Instant.parse("2026-03-01T10:05:00Z");
    static final String PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void a_database_filled_by_the_previous_schema_upgrades_with_nothing_lost(String kind) {
        String url = kind.equals("h2") ? "jdbc:h2:file:" + dir.resolve("old") : TestDatabases.createPostgresSchema();
        try {
            Flyway.configure().dataSource(url, kind.equals("h2") ? "" : TestDatabases.PG_USER, null)
                    .locations("classpath:db/migration").target("12").load().migrate();
            fillWithTheOldSchema(Jdbi.create(url, kind.equals("h2") ? "" : TestDatabases.PG_USER, ""));

            try (Database db = Database.open(url, kind.equals("h2") ? "" : TestDatabases.PG_USER, null, 2)) {
                MediaDao dao = db.jdbi().onDemand(MediaDao.class);
                MediaCatalog catalog = new MediaCatalog(db.jdbi());

                MediaRecord queued = dao.find(1).orElseThrow();
                assertThat(queued.source()).isEqualTo(new MediaRecord.Source(1L, "mastodon", "a1:0011", "109", "https://social.example/@a/109",
                        "77", "alice", "a1", "https://files.example/a1.jpg", "r9", "looks wrong", 2, "{\"k\":1}", T0));
                assertThat(queued.work()).isEqualTo(new MediaRecord.Work("queued", 2, T1, null, null, "HTTP 503"));
                assertThat(queued.verdict().reason()).isEqualTo("HTTP 503");
                assertThat(queued.verdict().priority()).isEqualTo(40);
                assertThat(queued.verdict().outcome()).isNull();
                assertThat(dao.pendingBytes(1)).isEmpty();

                MediaRecord processing = dao.find(2).orElseThrow();
                assertThat(processing.work()).isEqualTo(new MediaRecord.Work("processing", 1, T0, T1, "node-1/w-1", null));
                assertThat(dao.pendingBytes(2)).contains(new byte[]{1, 2, 3});

                MediaRecord scanned = dao.find(3).orElseThrow();
                assertThat(scanned.done()).isTrue();
                assertThat(scanned.hashes()).isEqualTo(new MediaRecord.Hashes("jpeg", 640, 480, 12345L, PDQ, 100,
                        PDQ + "," + PDQ, "0011223344556677", "8899aabbccddeeff", "0123456789abcdef0123456789abcdef",
                        "ab".repeat(32)));
                assertThat(scanned.verdict()).isEqualTo(new MediaRecord.Verdict(ScanOutcome.SCANNED, null, Outcome.REVIEW, 55, T1));
                assertThat(catalog.preview(3)).contains(new byte[]{9, 8});
                assertThat(catalog.reveal(3)).contains(new byte[]{7});
                assertThat(catalog.matches(3)).hasSize(1).first().satisfies(m -> assertThat(m.bankName()).isEqualTo("known"));

                MediaRecord failed = dao.find(4).orElseThrow();
                assertThat(failed.verdict()).isEqualTo(new MediaRecord.Verdict(ScanOutcome.FETCH_FAILED, "HTTP 404", Outcome.REVIEW, 30, T1));
                assertThat(failed.hashes().pdq()).isNull();
                assertThat(catalog.preview(4)).isEmpty();

                assertThat(catalog.countUnfinished()).isEqualTo(2);
                assertThat(catalog.countUnscannedSince(T0)).isEqualTo(1);
                // the case and the action request still reach their media through ingest's view
                db.jdbi().useHandle(h -> {
                    assertThat(h.createQuery("SELECT m.status_id FROM cases c JOIN media_overview m ON m.id = c.media_id")
                            .mapTo(String.class).list()).containsExactly("111");
                    assertThat(h.createQuery("SELECT r.action FROM action_requests r JOIN media_overview m ON m.id = r.media_id"
                            + " WHERE m.has_preview").mapTo(String.class).list()).containsExactly("report");
                    // the share proposal moved to the sharing stage's table, with its labels and approval
                    assertThat(h.createQuery("SELECT media_id || ' ' || case_id || ' ' || state || ' ' || requested_by"
                            + " || ' ' || labels FROM share_requests").mapTo(String.class).list())
                            .containsExactly("3 1 pending mod spam,sexual");
                    assertThat(h.createQuery("SELECT a.approver FROM share_request_approvals a JOIN share_requests s"
                            + " ON s.id = a.request_id").mapTo(String.class).list()).containsExactly("ann");
                });
                // and the upgraded queue is worked as before: the waiting item is due again
                java.util.Optional<Long> due = db.jdbi().inTransaction(h -> h.attach(MediaDao.class).lockNextDue(T1.plusSeconds(1)));
                assertThat(due).contains(1L);
            }
        } finally {
            if (kind.equals("postgres")) TestDatabases.dropPostgresSchema(url);
        }
    }

    /** Rows as the V12 code wrote them: one queued for a retry, one being processed, one scanned, one failed. */
    private static void fillWithTheOldSchema(Jdbi jdbi) {
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO instances (id, name, kind, base_url, fail_mode, time_budget_ms, created_at)"
                    + " VALUES (1, 'social', 'mastodon', 'https://social.example', 'open', 10000, ?)", T0);
            insertMedia(h, Map.ofEntries(Map.entry("id", 1), Map.entry("state", "queued"), Map.entry("attempts", 2),
                    Map.entry("next_attempt_at", T1), Map.entry("reason", "HTTP 503"), Map.entry("priority", 40),
                    Map.entry("status_id", "109")));
            insertMedia(h, Map.of("id", 2, "state", "processing", "attempts", 1, "next_attempt_at", T0,
                    "lease_until", T1, "leased_by", "node-1/w-1", "pending_bytes", new byte[]{1, 2, 3}, "priority", 0,
                    "status_id", "110", "source_key", "a2:0022"));
            h.createUpdate("INSERT INTO media (id, instance_id, origin, source_key, status_id, report_count, state, attempts,"
                    + " next_attempt_at, outcome, format, width, height, byte_size, pdq, pdq_quality, pdq_dihedral, phash,"
                    + " dhash, md5, sha256, decision, priority, preview, reveal, created_at, processed_at) VALUES (3, 1,"
                    + " 'mastodon', 'a3:0033', '111', 0, 'done', 1, :t0, 'scanned', 'jpeg', 640, 480, 12345, :pdq, 100,"
                    + " :dihedral, '0011223344556677', '8899aabbccddeeff', '0123456789abcdef0123456789abcdef', :sha,"
                    + " 'review', 55, :preview, :reveal, :t0, :t1)")
                    .bind("t0", T0).bind("t1", T1).bind("pdq", PDQ).bind("dihedral", PDQ + "," + PDQ)
                    .bind("sha", "ab".repeat(32)).bind("preview", new byte[]{9, 8}).bind("reveal", new byte[]{7}).execute();
            h.createUpdate("INSERT INTO media (id, instance_id, origin, source_key, status_id, report_count, state, attempts,"
                    + " next_attempt_at, outcome, reason, decision, priority, created_at, processed_at) VALUES (4, 1,"
                    + " 'mastodon', 'a4:0044', '112', 0, 'done', 5, :t0, 'fetch_failed', 'HTTP 404', 'review', 30, :t0, :t1)")
                    .bind("t0", T0).bind("t1", T1).execute();
            h.createUpdate("INSERT INTO media_matches (media_id, bank_id, bank_name, entry_id, signal_type, distance,"
                    + " labels, observed, vetoed) VALUES (3, 1, 'known', 5, 'pdq', 4, 'spam', FALSE, FALSE)").execute();
            h.createUpdate("INSERT INTO cases (id, media_id, state, priority, reason, created_at, updated_at)"
                    + " VALUES (1, 3, 'open', 55, 'matched known', :t, :t)").bind("t", T1).execute();
            h.createUpdate("INSERT INTO action_requests (id, media_id, action, state, requested_by, created_at)"
                    + " VALUES (7, 3, 'report', 'done', 'sightline', :t)").bind("t", T1).execute();
            h.createUpdate("INSERT INTO action_requests (id, media_id, case_id, action, state, requested_by, created_at,"
                    + " params) VALUES (8, 3, 1, 'share', 'pending', 'mod', :t, '{\"labels\":\"spam,sexual\"}')")
                    .bind("t", T1).execute();
            h.createUpdate("INSERT INTO share_approvals (request_id, approver, approved_at) VALUES (8, 'ann', :t)")
                    .bind("t", T1).execute();
        });
    }

    private static void insertMedia(Handle h, Map<String, Object> values) {
        h.createUpdate("INSERT INTO media (id, instance_id, origin, source_key, status_id, status_url, account_id, acct,"
                        + " attachment_id, fetch_url, report_id, report_comment, report_count, metadata, state, attempts,"
                        + " next_attempt_at, lease_until, leased_by, pending_bytes, reason, priority, created_at)"
                        + " VALUES (:id, 1, 'mastodon', :source_key, :status_id, :status_url, '77', 'alice', 'a1',"
                        + " 'https://files.example/a1.jpg', 'r9', 'looks wrong', 2, '{\"k\":1}', :state, :attempts,"
                        + " :next_attempt_at, :lease_until, :leased_by, :pending_bytes, :reason, :priority, :created_at)")
                .bind("id", values.get("id")).bind("source_key", values.getOrDefault("source_key", "a1:0011"))
                .bind("status_id", values.get("status_id")).bind("status_url", "https://social.example/@a/109")
                .bind("state", values.get("state")).bind("attempts", values.get("attempts"))
                .bind("next_attempt_at", values.get("next_attempt_at"))
                .bindByType("lease_until", values.get("lease_until"), Instant.class)
                .bindByType("leased_by", values.get("leased_by"), String.class)
                .bindByType("pending_bytes", values.get("pending_bytes"), byte[].class)
                .bindByType("reason", values.get("reason"), String.class).bind("priority", values.get("priority"))
                .bind("created_at", T0).execute();
    }
}
