package org.sightline.banks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** Restarts load the match index from a snapshot file only while the database holds exactly what it holds. */
class IndexSnapshotTest {
    static final String A = BankApiTest.PDQ;
    static final String B = BankApiTest.PDQ_ROT90;
    static final String C = BankApiTest.flip(A, 40);

    @TempDir
    Path dir;

    TestServer start() {
        return new TestServer(Config.defaults().with("data.dir", dir));
    }

    static boolean matches(TestServer s, String token, String pdq) {
        return IndexRepairTest.matches(s, token, pdq);
    }

    @Test
    void an_unchanged_database_restarts_from_the_snapshot_and_a_changed_one_from_the_database() throws Exception {
        String token;
        long retractId;
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
            token = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", token, "{\"name\":\"snap\"}").status()).isEqualTo(201);
            var added = s.send("POST", "/api/v1/banks/snap/entries", token, "text/plain",
                    "pdq " + A + "\npdq " + B + "\nsha256 " + "cd".repeat(32) + "\n", null);
            assertThat(added.status()).isEqualTo(201);
            retractId = added.json().path("ids").get(1).asLong();
        }
        Path file = dir.resolve(IndexSnapshot.FILE);
        // the first start wrote an empty snapshot; the entries since then make the database newer
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
            assertThat(s.deps.banks().lastIndexLoad().entries()).isEqualTo(3);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad()).extracting(BankService.IndexLoad::source, BankService.IndexLoad::entries)
                    .containsExactly("snapshot", 3L);
            assertThat(matches(s, token, A)).isTrue();
            assertThat(matches(s, token, B)).isTrue();
            assertThat(s.postJson("/api/v1/match", token, "{\"signal_type\":\"sha256\",\"hash\":\"" + "cd".repeat(32) + "\"}")
                    .body()).contains("\"distance\":0");
            // a retraction and an add: the snapshot no longer describes the database
            assertThat(s.send("DELETE", "/api/v1/banks/snap/entries/" + retractId, token, null, null, null).status()).isEqualTo(200);
            assertThat(s.send("POST", "/api/v1/banks/snap/entries", token, "text/plain", "pdq " + C + "\n", null).status())
                    .isEqualTo(201);
        }
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
            assertThat(matches(s, token, A)).isTrue();
            assertThat(matches(s, token, B)).isFalse();
            assertThat(matches(s, token, C)).isTrue();
        }
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("snapshot");
            assertThat(matches(s, token, B)).isFalse();
            assertThat(matches(s, token, C)).isTrue();
        }
    }

    @Test
    void a_damaged_snapshot_is_never_used() throws Exception {
        String token;
        try (TestServer s = start()) {
            token = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", token, "{\"name\":\"snap\"}").status()).isEqualTo(201);
            assertThat(s.send("POST", "/api/v1/banks/snap/entries", token, "text/plain", "pdq " + A + "\n", null).status())
                    .isEqualTo(201);
        }
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
        }
        Path file = dir.resolve(IndexSnapshot.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x10; // inside the PDQ hash: still parses, but is another hash
        Files.write(file, bytes);
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
            assertThat(matches(s, token, A)).isTrue();
        }
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // torn
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
            assertThat(matches(s, token, A)).isTrue();
        }
    }

    @Test
    void a_snapshot_of_another_database_at_the_same_version_is_never_used(@TempDir Path other) throws Exception {
        String token;
        try (TestServer s = start()) {
            token = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", token, "{\"name\":\"snap\"}").status()).isEqualTo(201);
            assertThat(s.send("POST", "/api/v1/banks/snap/entries", token, "text/plain", "pdq " + A + "\n", null).status())
                    .isEqualTo(201);
        }
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database"); // writes this database's snapshot
        }
        // another database with the same history (one bank, one upload: the same version number), other content
        try (TestServer s = new TestServer(Config.defaults().with("data.dir", other))) {
            String t = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", t, "{\"name\":\"snap\"}").status()).isEqualTo(201);
            assertThat(s.send("POST", "/api/v1/banks/snap/entries", t, "text/plain", "pdq " + C + "\n", null).status())
                    .isEqualTo(201);
        }
        Files.copy(dir.resolve(IndexSnapshot.FILE), other.resolve(IndexSnapshot.FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (TestServer s = new TestServer(Config.defaults().with("data.dir", other))) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
            String t = s.token("reader", Scope.ADMIN);
            assertThat(matches(s, t, C)).isTrue();
            assertThat(matches(s, t, A)).isFalse();
        }
    }

    @Test
    void a_snapshot_left_half_written_by_a_killed_process_is_cleaned_up_at_the_next_start() throws Exception {
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("database");
        }
        // what OwnerOnlyFiles.emptyTemp leaves when the process dies before the snapshot is moved into place
        Path leftover = Files.write(dir.resolve("." + IndexSnapshot.FILE + ".1234567.tmp"), new byte[4096]);
        Path unrelated = Files.write(dir.resolve("notes.tmp"), new byte[1]);
        try (TestServer s = start()) {
            assertThat(s.deps.banks().lastIndexLoad().source()).isEqualTo("snapshot");
        }
        assertThat(leftover).doesNotExist();
        assertThat(unrelated).exists();
        assertThat(dir.resolve(IndexSnapshot.FILE)).exists();
    }
}
