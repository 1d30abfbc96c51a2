package org.sightline.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.federation.KeyFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The data directory is owner-only (0700, its files 0600) whatever the umask, also when it existed wider. */
class DataDirectoryTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions here");
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Each regular file of the directory with its permissions, e.g. "sightline.mv.db rw-------". */
    private static List<String> files(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) out.add(p.getFileName() + " " + perms(p));
            }
        }
        return out;
    }

    /** Makes the directory and its files as a umask of 022 leaves them (0755, 0644). */
    private static void widen(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    @Test
    void a_new_data_directory_and_the_h2_files_in_it_are_owner_only() throws Exception {
        Path data = tmp.resolve("parent").resolve("data");
        try (Database db = Database.open(Config.defaults().with("data.dir", data))) {
            assertThat(db.ping()).isTrue();
            assertThat(perms(data)).isEqualTo("rwx------");
            assertThat(files(data)).contains("sightline.mv.db rw-------").allMatch(f -> f.endsWith(" rw-------"));
        }
        assertThat(files(data)).isNotEmpty().allMatch(f -> f.endsWith(" rw-------"));
    }

    @Test
    void an_existing_wider_data_directory_is_narrowed_when_the_server_starts() throws Exception {
        Path data = tmp.resolve("data");
        new TestServer(data).close(); // a database, a secret key
        widen(data);
        Files.writeString(data.resolve("notes.txt"), "left by the admin");
        Files.setPosixFilePermissions(data.resolve("notes.txt"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.createDirectory(data.resolve("backup"));
        assertThat(files(data)).contains("secret.key rw-r--r--", "sightline.mv.db rw-r--r--", "notes.txt rw-rw-rw-");

        try (TestServer server = new TestServer(data)) {
            assertThat(server.get("/healthz", null).status()).isEqualTo(200);
            assertThat(perms(data)).isEqualTo("rwx------");
            assertThat(files(data)).contains("secret.key rw-------", "sightline.mv.db rw-------", "notes.txt rw-------")
                    .allMatch(f -> f.endsWith(" rw-------"));
        }
        assertThat(files(data)).allMatch(f -> f.endsWith(" rw-------"));
    }

    @Test
    void the_list_signing_key_files_are_owner_only() throws Exception {
        Path data = tmp.resolve("keys");
        KeyFiles keys = new KeyFiles(data);
        keys.generate(new SecureRandom());
        keys.rotate(new SecureRandom(), java.time.Instant.parse("2026-11-29T00:00:00Z"));
        assertThat(perms(data)).isEqualTo("rwx------");
        assertThat(files(data)).contains("list-signing.pub rw-------", "list-rotations.json rw-------")
                .hasSize(4).allMatch(f -> f.endsWith(" rw-------"));
    }

    @Test
    void a_data_directory_that_is_a_file_is_refused_with_a_clear_message() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("data"), "x");
        assertThatThrownBy(() -> Database.open(Config.defaults().with("data.dir", notADir)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(notADir.toString());
    }
}
