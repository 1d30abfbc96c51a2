package org.sightline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {
    @TempDir
    Path dataDir;

    @Test
    void opens_what_it_sealed() {
        SecretBox box = SecretBox.forDataDir(dataDir);
        for (String secret : new String[]{"fixture-webhook-secret-0123456789", "", "ünïcödé 🔑", "x".repeat(5000)}) {
            String sealed = box.seal(secret);
            assertThat(sealed).startsWith("v1:");
            if (!secret.isEmpty()) assertThat(sealed).doesNotContain(secret);
            assertThat(box.open(sealed)).isEqualTo(secret);
        }
    }

    @Test
    void uses_a_fresh_nonce_for_every_value() {
        SecretBox box = SecretBox.forDataDir(dataDir);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) seen.add(box.seal("same token"));
        assertThat(seen).hasSize(100);
        byte[] raw = Base64.getDecoder().decode(box.seal("abc").substring(3));
        assertThat(raw).hasSize(12 + 3 + 16); // nonce, ciphertext, tag
    }

    @Test
    void detects_a_changed_value() {
        SecretBox box = SecretBox.forDataDir(dataDir);
        byte[] raw = Base64.getDecoder().decode(box.seal("api-token-123").substring(3));
        for (int i = 0; i < raw.length; i++) {
            byte[] changed = raw.clone();
            changed[i] ^= 0x20;
            String tampered = "v1:" + Base64.getEncoder().encodeToString(changed);
            assertThatThrownBy(() -> box.open(tampered)).as("byte %d", i)
                    .isInstanceOf(SecretBoxException.class)
                    .hasMessageStartingWith("sealed secret does not open")
                    .hasMessageNotContaining("api-token");
        }
    }

    @Test
    void refuses_values_that_are_not_sealed() {
        SecretBox box = SecretBox.forDataDir(dataDir);
        assertThatThrownBy(() -> box.open("plain-token")).isInstanceOf(SecretBoxException.class)
                .hasMessage("not a sealed secret (expected the v1: form)");
        assertThatThrownBy(() -> box.open("v1:***")).isInstanceOf(SecretBoxException.class)
                .hasMessage("sealed secret is not valid base64");
        assertThatThrownBy(() -> box.open("v1:AAAA")).isInstanceOf(SecretBoxException.class)
                .hasMessage("sealed secret is truncated");
        assertThatThrownBy(() -> box.open(null)).isInstanceOf(SecretBoxException.class);
        assertThat(SecretBox.isSealed(box.seal("t"))).isTrue();
        assertThat(SecretBox.isSealed("t")).isFalse();
    }

    @Test
    void binds_a_value_to_its_context() {
        SecretBox box = SecretBox.forDataDir(dataDir);
        String sealed = box.seal("token", "instance:social:api_token");
        assertThat(box.open(sealed, "instance:social:api_token")).isEqualTo("token");
        assertThatThrownBy(() -> box.open(sealed, "instance:other:api_token")).isInstanceOf(SecretBoxException.class);
        assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void keeps_its_key_in_the_data_directory_across_instances() throws Exception {
        String sealed = SecretBox.forDataDir(dataDir).seal("webhook secret");
        Path keyFile = dataDir.resolve("secret.key");
        assertThat(keyFile).exists();
        byte[] keyBefore = Files.readAllBytes(keyFile);

        assertThat(SecretBox.forDataDir(dataDir).open(sealed)).isEqualTo("webhook secret");
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(keyBefore);
        assertThat(Base64.getDecoder().decode(new String(keyBefore).trim())).hasSize(32);
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret.key");
        }
    }

    @Test
    void creates_the_key_readable_by_its_owner_only() throws Exception {
        Path nested = dataDir.resolve("not/yet/there");
        SecretBox.forDataDir(nested);
        Path keyFile = nested.resolve("secret.key");
        if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(keyFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void does_not_open_values_sealed_under_another_key() {
        String sealed = SecretBox.forDataDir(dataDir.resolve("a")).seal("token");
        SecretBox other = SecretBox.forDataDir(dataDir.resolve("b"));
        assertThatThrownBy(() -> other.open(sealed)).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void refuses_a_key_file_that_is_not_a_key() throws Exception {
        Files.writeString(dataDir.resolve("secret.key"), "hello\n");
        assertThatThrownBy(() -> SecretBox.forDataDir(dataDir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a Sightline secret key");
    }
}
