package org.sightline.federation;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked examples of hashlists/FORMAT.md verify, parse, and are what this implementation writes. */
class FormatExamplesTest {
    static final SigningKey RFC8032_TEST1 = SigningKey.fromSeed(
            HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    static final SigningKey RFC8032_TEST2 = SigningKey.fromSeed(
            HexFormat.of().parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));

    record Example(Map<String, String> headers, byte[] body) {
    }

    static String format() throws Exception {
        return Files.readString(Path.of("hashlists/FORMAT.md"), StandardCharsets.UTF_8);
    }

    static List<Example> httpExamples(String md) {
        List<Example> out = new ArrayList<>();
        Matcher m = Pattern.compile("```http\n(.*?)\n```", Pattern.DOTALL).matcher(md);
        while (m.find()) {
            String[] parts = m.group(1).split("\n\n", 2);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : parts[0].split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0) headers.put(line.substring(0, colon), line.substring(colon + 2));
            }
            out.add(new Example(headers, parts[1].getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static List<String> jsonExamples(String md) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```json\n(.*?)\n```", Pattern.DOTALL).matcher(md);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void the_public_key_and_fingerprint_given_are_those_of_the_example_key() throws Exception {
        String md = format();
        assertThat(md).contains(RFC8032_TEST1.publicKey().base64()).contains(RFC8032_TEST1.keyId());
        // RFC 8032's own statement of the public key
        assertThat(HexFormat.of().formatHex(Base64.getDecoder().decode(RFC8032_TEST1.publicKey().base64())))
                .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    }

    @Test
    void every_http_example_verifies_under_the_example_key_and_parses() throws Exception {
        List<Example> examples = httpExamples(format());
        assertThat(examples).hasSize(3);
        ListFormat format = new ListFormat();
        for (Example e : examples) {
            assertThat(e.headers().get("Sightline-Key-Id")).isEqualTo(RFC8032_TEST1.keyId());
            assertThat(RFC8032_TEST1.publicKey().verifyBase64(e.body(), e.headers().get("Sightline-Signature"))).isTrue();
            // Ed25519 is deterministic: this implementation signs the same bytes the same way
            assertThat(RFC8032_TEST1.signBase64(e.body())).isEqualTo(e.headers().get("Sightline-Signature"));
            ListFormat.Document d = format.readDocument(e.body());
            assertThat(String.valueOf(d.sequence())).isEqualTo(e.headers().get("Sightline-Sequence"));
            assertThat(d.list().keyId()).isEqualTo(RFC8032_TEST1.keyId());
            assertThat(d.list().id()).isEqualTo("https://mod.example.social/lists/shared");
            byte[] changed = e.body().clone();
            changed[changed.length / 2] ^= 1;
            assertThat(RFC8032_TEST1.publicKey().verifyBase64(changed, e.headers().get("Sightline-Signature"))).isFalse();
        }
    }

    @Test
    void the_examples_are_the_canonical_bytes_this_implementation_writes() throws Exception {
        List<Example> examples = httpExamples(format());
        ListFormat format = new ListFormat();
        ListFormat.Document snapshot = format.readDocument(examples.get(0).body());
        assertThat(snapshot.snapshot()).isTrue();
        assertThat(ListFormat.snapshot(snapshot.list(), snapshot.sequence(), snapshot.entries())).isEqualTo(examples.get(0).body());
        assertThat(snapshot.entries()).extracting(ListFormat.Change::seq).containsExactly(2L);
        ListFormat.Document page = format.readDocument(examples.get(1).body());
        assertThat(ListFormat.changes(page.list(), page.since(), page.sequence(), page.latest(), page.next(), page.changes()))
                .isEqualTo(examples.get(1).body());
        assertThat(page.changes()).extracting(ListFormat.Change::op).containsExactly("add", "add", "retract");
        assertThat(page.changes().get(2).ref()).isEqualTo(1L);
        ListFormat.Document first = format.readDocument(examples.get(2).body());
        assertThat(first.next()).isEqualTo("https://mod.example.social/lists/shared/changes?since=2");
        assertThat(first.latest()).isEqualTo(3L);
    }

    @Test
    void the_rotation_example_is_signed_by_the_old_key_and_the_key_document_carries_it() throws Exception {
        List<String> json = jsonExamples(format());
        assertThat(json).hasSize(2);
        byte[] statement = json.get(0).getBytes(StandardCharsets.UTF_8);
        ListFormat.Rotation r = new ListFormat().readRotation(statement);
        assertThat(r.oldKeyId()).isEqualTo(RFC8032_TEST1.keyId());
        assertThat(r.newKeyId()).isEqualTo(RFC8032_TEST2.keyId());
        ListFormat.KeyDocument key = new ListFormat().readKey(json.get(1).getBytes(StandardCharsets.UTF_8));
        assertThat(key.keyId()).isEqualTo(RFC8032_TEST2.keyId());
        ListFormat.SignedRotation signed = key.rotations().get(0);
        assertThat(Base64.getDecoder().decode(signed.statementBase64())).isEqualTo(statement);
        assertThat(RFC8032_TEST1.publicKey().verifyBase64(statement, signed.signature())).isTrue();
        assertThat(RFC8032_TEST2.publicKey().verifyBase64(statement, signed.signature())).isFalse();
        assertThat(format()).contains(signed.signature());
    }
}
