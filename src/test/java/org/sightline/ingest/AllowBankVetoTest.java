package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.PdqHash;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An allow-bank hit vetoes only perceptual matches of its own signal type that are no closer than the allow entry;
 * exact digests and grave labels are never vetoed. Scanned through the real scan API.
 */
class AllowBankVetoTest {
    static final String IMAGE = "bridge-mods/aaa-orig.jpg";

    @TempDir
    Path data;
    TestServer server;
    String token;
    JsonNode signals;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50));
        token = server.token("scanner", Scope.SCAN);
        JsonNode first = scan();
        assertThat(first.get("decision").asText()).isEqualTo("pass");
        signals = first.get("signals");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode scan() {
        String b64 = Base64.getEncoder().encodeToString(IngestEndToEndTest.image(IMAGE));
        TestServer.Response r = server.send("POST", "/api/v1/media", token, "application/json",
                "{\"image_base64\":\"" + b64 + "\"}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private void bank(String name, String kind, String label, String signalType, String value) {
        BankService banks = server.deps.banks();
        banks.create(new BankService.BankSpec(name, kind, kind.equals("allow") ? null : "reject", "enforce",
                label == null ? List.of() : List.of(label), null, null, null));
        banks.addEntries(name, List.of(new BankService.NewEntry(signalType, value, null, null, null, null)), "test");
    }

    /** The image's PDQ hash with its lowest {@code bits} bits flipped. */
    private String pdqAt(int bits) {
        PdqHash h = PdqHash.parse(signals.get("pdq").asText());
        long w0 = h.w0();
        for (int i = 0; i < bits; i++) w0 ^= 1L << i;
        return new PdqHash(w0, h.w1(), h.w2(), h.w3()).hex();
    }

    private static JsonNode match(JsonNode doc, String bank) {
        for (JsonNode m : doc.get("matches")) if (m.get("bank").asText().equals(bank)) return m;
        throw new AssertionError("no match in bank " + bank + ": " + doc);
    }

    @Test
    void an_allow_hit_does_not_veto_an_exact_sha256_hit_in_a_csam_bank() {
        bank("abuse", "local", "csam", "sha256", signals.get("sha256").asText());
        bank("fp", "allow", null, "pdq", signals.get("pdq").asText());

        JsonNode doc = scan();
        assertThat(doc.get("decision").asText()).isEqualTo("reject");
        assertThat(match(doc, "abuse").get("vetoed").asBoolean()).isFalse();
        assertThat(match(doc, "fp").get("vetoed").asBoolean()).isTrue(); // recorded as context, counts for nothing
    }

    @Test
    void a_grave_label_on_the_entry_is_never_vetoed_even_for_a_pdq_match() {
        server.deps.banks().create(new BankService.BankSpec("mixed", "local", "reject", "enforce", List.of(), null, null, null));
        server.deps.banks().addEntries("mixed", List.of(new BankService.NewEntry("pdq", pdqAt(12), List.of("terrorism"),
                null, null, null)), "test");
        bank("fp", "allow", null, "pdq", pdqAt(2));

        JsonNode doc = scan();
        assertThat(doc.get("decision").asText()).isEqualTo("reject");
        assertThat(match(doc, "mixed").get("vetoed").asBoolean()).isFalse();
    }

    @Test
    void a_pdq_hit_in_a_spam_bank_farther_than_the_allow_hit_is_vetoed() {
        bank("spam", "local", "spam", "pdq", pdqAt(12));
        bank("fp", "allow", null, "pdq", pdqAt(2));

        JsonNode doc = scan();
        assertThat(doc.get("decision").asText()).isEqualTo("pass");
        assertThat(match(doc, "spam").get("vetoed").asBoolean()).isTrue();
    }

    @Test
    void a_pdq_hit_closer_than_the_allow_hit_is_kept() {
        bank("spam", "local", "spam", "pdq", pdqAt(2));
        bank("fp", "allow", null, "pdq", pdqAt(9));

        JsonNode doc = scan();
        assertThat(doc.get("decision").asText()).isEqualTo("reject");
        assertThat(match(doc, "spam").get("vetoed").asBoolean()).isFalse();
    }

    @Test
    void a_phash_allow_hit_does_not_veto_a_pdq_match() {
        bank("spam", "local", "spam", "pdq", pdqAt(12));
        bank("fp", "allow", null, "phash", signals.get("phash").asText());

        JsonNode doc = scan();
        assertThat(doc.get("decision").asText()).isEqualTo("reject");
        assertThat(match(doc, "spam").get("vetoed").asBoolean()).isFalse();
        assertThat(match(doc, "fp").get("signal_type").asText()).isEqualTo("phash");
    }
}
