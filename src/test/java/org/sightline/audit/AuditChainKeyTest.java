package org.sightline.audit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.federation.CheckpointKeys;
import org.sightline.federation.KeyFiles;
import org.sightline.store.Database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit chain is keyed: whoever can write the database but not read audit.key cannot recompute it. */
class AuditChainKeyTest {
    @TempDir
    Path data;
    Database db;
    Jdbi jdbi;
    final Clock clock = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void open() {
        db = Database.open("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 2);
        jdbi = db.jdbi();
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** What the old code wrote, and what an attacker without the key can compute: the plain SHA-256 chain. */
    void writeUnkeyed(int events) {
        jdbi.useTransaction(h -> {
            AuditDao dao = h.attach(AuditDao.class);
            AuditDao.Head head = dao.lockHead();
            String prev = head.hash();
            long seq = head.seq();
            for (int i = 0; i < events; i++) {
                seq++;
                Instant at = clock.instant();
                String hash = AuditLog.hash(prev, seq, at, "old", "reveal", "media:" + seq, "");
                dao.insert(new AuditEvent(seq, at, "old", "reveal", "media:" + seq, "", prev, hash));
                prev = hash;
            }
            dao.moveHead(seq, prev);
        });
    }

    /** The attack: edit one event, then recompute every hash from there on, and the head, without the key. */
    void rewriteUnkeyed(long seq, String newActor) {
        jdbi.useTransaction(h -> {
            h.execute("UPDATE audit_events SET actor = ? WHERE seq = ?", newActor, seq);
            List<AuditEvent> all = h.attach(AuditDao.class).page(0, 10_000);
            String prev = AuditLog.GENESIS;
            for (AuditEvent e : all) {
                String hash = e.seq() < seq ? e.hash()
                        : AuditLog.hash(prev, e.seq(), e.at(), e.actor(), e.action(), e.target(), e.detail());
                h.execute("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, e.seq());
                prev = hash;
            }
            h.attach(AuditDao.class).moveHead(all.get(all.size() - 1).seq(), prev);
        });
    }

    @Test
    void a_keyed_log_verifies_and_its_key_file_is_owner_only() throws Exception {
        AuditLog audit = AuditLog.open(jdbi, clock, AuditKey.forDataDir(data));
        for (int i = 0; i < 4; i++) audit.append("mia", "reveal", "media:" + i, "case=" + i);
        AuditLog.Verification v = audit.verify();
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.events()).isEqualTo(4);
        assertThat(v.keyedFrom()).isEqualTo(1);
        assertThat(Files.getPosixFilePermissions(data.resolve(AuditKey.FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        // a second opening (the next start, a command) keeps the same key and the same chain
        assertThat(AuditLog.open(jdbi, clock, AuditKey.forDataDir(data)).verify().ok()).isTrue();
    }

    @Test
    void an_event_rewritten_with_a_recomputed_unkeyed_chain_is_caught() {
        AuditLog audit = AuditLog.open(jdbi, clock, AuditKey.forDataDir(data));
        for (int i = 0; i < 5; i++) audit.append("mia", "reveal", "media:" + i, "case=" + i);
        rewriteUnkeyed(3, "someone-else");
        AuditLog.Verification v = audit.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBad()).contains(3L);
        assertThat(v.problem()).contains("recomputed without the key");
    }

    @Test
    void events_from_before_the_key_keep_verifying_and_the_rest_is_keyed() {
        writeUnkeyed(3); // an upgraded database: three events of the old, unkeyed chain
        AuditLog audit = AuditLog.open(jdbi, clock, AuditKey.forDataDir(data));
        audit.append("mia", "reveal", "media:9", "");
        AuditLog.Verification v = audit.verify();
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.keyedFrom()).isEqualTo(4); // event 4 records that the chain is keyed from there on
        assertThat(v.events()).isEqualTo(5);
        assertThat(audit.search("", "audit_keyed", "", Long.MAX_VALUE, 10)).hasSize(1);

        // the keyed part cannot be recomputed: rewriting an old event breaks the link into it
        rewriteUnkeyed(2, "someone-else");
        AuditLog.Verification after = audit.verify();
        assertThat(after.ok()).isFalse();
        assertThat(after.firstBad()).contains(4L);
    }

    @Test
    void moving_the_start_of_the_keyed_part_or_using_another_key_is_caught() {
        AuditLog audit = AuditLog.open(jdbi, clock, AuditKey.forDataDir(data));
        for (int i = 0; i < 3; i++) audit.append("mia", "reveal", "media:" + i, "");
        // the attacker recomputes everything unkeyed and declares the chain keyed only after it
        rewriteUnkeyed(1, "someone-else");
        jdbi.useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = 4"));
        assertThat(audit.verify().problem()).contains("key mark does not match");
        jdbi.useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = NULL, key_mark = NULL"));
        assertThat(audit.verify().problem()).contains("no key mark");

        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Database fresh = Database.open("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 2);
        try {
            AuditLog.open(fresh.jdbi(), clock, AuditKey.forDataDir(data)).append("mia", "reveal", "media:1", "");
            AuditLog.Verification v = AuditLog.open(fresh.jdbi(), clock, AuditKey.of(other)).verify();
            assertThat(v.ok()).isFalse();
            assertThat(v.problem()).contains("wrong key file");
        } finally {
            fresh.close();
        }
    }

    @Test
    void a_checkpoint_taken_before_a_rewrite_of_old_events_fails_afterwards() throws Exception {
        writeUnkeyed(4);
        AuditLog audit = AuditLog.open(jdbi, clock, AuditKey.forDataDir(data));
        Checkpoint.Signer hmac = CheckpointKeys.forDataDir(data, audit);
        assertThat(hmac.kind()).isEqualTo("hmac-sha256");
        Checkpoint cp = audit.checkpoint(hmac);
        assertThat(cp.seq()).isEqualTo(5);
        assertThat(audit.verify(cp, hmac).ok()).isTrue();
        // a forged or altered checkpoint does not check out
        Checkpoint forged = new Checkpoint(cp.seq(), cp.hash().replace('a', 'b').replace('0', '1'), cp.at(), cp.signer(),
                cp.keyId(), cp.signature());
        assertThat(audit.verify(forged, hmac).problem()).contains("signature does not check out");

        // with a list-signing key, checkpoints are Ed25519-signed (and old HMAC ones still verify)
        new KeyFiles(data).generate(new SecureRandom());
        Checkpoint.Signer ed = CheckpointKeys.forDataDir(data, audit);
        assertThat(ed.kind()).isEqualTo("ed25519");
        Checkpoint signed = audit.checkpoint(ed);
        assertThat(audit.verify(signed, ed).ok()).isTrue();
        assertThat(audit.verify(cp, ed).ok()).isTrue();

        // the database's owner rewrites old events and everything after, head and key mark included, as if the
        // log had been keyed only from now on: the chain alone no longer tells, the checkpoint does
        rewriteUnkeyed(2, "someone-else");
        jdbi.useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = NULL, key_mark = NULL"));
        AuditLog reopened = AuditLog.open(jdbi, clock, AuditKey.forDataDir(data));
        AuditLog.Verification v = reopened.verify(signed, ed);
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBad()).contains(5L);
        assertThat(v.problem()).contains("no longer has the hash the checkpoint");
    }
}
