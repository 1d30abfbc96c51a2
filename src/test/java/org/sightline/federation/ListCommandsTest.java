package org.sightline.federation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ListCommandsTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, Map.of("SIGHTLINE_DATA_DIR", dir.resolve("data").toString()),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void keygen_creates_an_owner_only_key_and_refuses_to_overwrite_it() throws Exception {
        Run r = run("keygen");
        assertThat(r.exit()).as(r.err()).isZero();
        Path key = dir.resolve("data").resolve(KeyFiles.PRIVATE);
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        String keyId = new KeyFiles(dir.resolve("data")).load().orElseThrow().keyId();
        assertThat(r.out()).contains(keyId);
        String before = Files.readString(key);
        assertThat(r.out()).doesNotContain(before.split("\"private_key\":\"")[1].substring(0, 20));

        Run again = run("keygen");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("refusing to overwrite");
        assertThat(Files.readString(key)).isEqualTo(before);
    }

    @Test
    void a_signed_file_verifies_and_a_changed_file_or_other_key_does_not() throws Exception {
        assertThat(run("keygen").exit()).isZero();
        Path file = dir.resolve("list.txt");
        Files.writeString(file, "pdq " + TamperingTest.H1 + "\n");
        Run sign = run("list", "sign", file.toString());
        assertThat(sign.exit()).as(sign.err()).isZero();
        assertThat(dir.resolve("list.txt.sig")).exists();
        String pub = dir.resolve("data").resolve(KeyFiles.PUBLIC).toString();
        String keyId = new KeyFiles(dir.resolve("data")).load().orElseThrow().keyId();

        Run ok = run("list", "verify", file.toString(), "--key", pub);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK, signed by " + keyId);
        assertThat(run("list", "verify", file.toString(), "--key", pub, "--fingerprint", keyId).exit()).isZero();

        Run wrongPin = run("list", "verify", file.toString(), "--key", pub, "--fingerprint", "ab".repeat(32));
        assertThat(wrongPin.exit()).isEqualTo(1);
        assertThat(wrongPin.err()).contains("does not have fingerprint");

        Files.writeString(file, "pdq " + TamperingTest.H2 + "\n");
        Run changed = run("list", "verify", file.toString(), "--key", pub);
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.err().strip()).contains("bad signature").doesNotContain("\n");

        SigningKey other = SigningKey.generate(new java.security.SecureRandom());
        Run otherKey = run("list", "verify", file.toString(), "--key", other.publicKey().base64());
        assertThat(otherKey.exit()).isEqualTo(1);
        assertThat(otherKey.err()).contains("signed by key " + keyId + ", not by " + other.keyId());

        Files.delete(dir.resolve("list.txt.sig"));
        assertThat(run("list", "verify", file.toString(), "--key", pub).err()).contains("no signature file");
    }

    @Test
    void keygen_rotate_signs_a_statement_for_the_new_key_with_the_old_one() {
        assertThat(run("keygen").exit()).isZero();
        KeyFiles files = new KeyFiles(dir.resolve("data"));
        SigningKey old = files.load().orElseThrow();
        assertThat(run("keygen", "--rotate").exit()).isZero();
        SigningKey fresh = files.load().orElseThrow();
        assertThat(fresh.keyId()).isNotEqualTo(old.keyId());
        ListFormat.SignedRotation r = files.rotations().get(0);
        byte[] statement = java.util.Base64.getDecoder().decode(r.statementBase64());
        assertThat(old.publicKey().verifyBase64(statement, r.signature())).isTrue();
        ListFormat.Rotation rot = new ListFormat().readRotation(statement);
        assertThat(rot.oldKeyId()).isEqualTo(old.keyId());
        assertThat(rot.newKeyId()).isEqualTo(fresh.keyId());
    }

    @Test
    void signing_without_a_key_says_to_run_keygen() throws Exception {
        Path file = dir.resolve("x");
        Files.writeString(file, "x");
        Run r = run("list", "sign", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("run 'sightline keygen'");
    }
}
