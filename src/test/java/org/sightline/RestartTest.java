package org.sightline;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.access.Scope;
import org.sightline.hashing.PdqHash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RestartTest {
    @TempDir
    Path dir;

    /** The match answers for a fixed set of probes, as JSON text. */
    static List<String> answers(TestServer s, String token, List<String> probes) {
        List<String> out = new ArrayList<>();
        for (String body : probes) {
            TestServer.Response r = s.postJson("/api/v1/match", token, body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            out.add(r.body());
        }
        return out;
    }

    @Test
    void index_answers_the_same_after_a_restart_on_the_same_data_dir() {
        SplittableRandom rnd = new SplittableRandom(8);
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            hashes.add(new PdqHash(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()).hex());
        }
        List<String> probes = new ArrayList<>();
        for (int i = 0; i < 40_000; i += 4_000) {
            probes.add("{\"signal_type\":\"pdq\",\"hash\":\"" + hashes.get(i) + "\"}");
        }
        probes.add("{\"signals\":[{\"signal_type\":\"md5\",\"hash\":\"d41d8cd98f00b204e9800998ecf8427e\"},"
                + "{\"signal_type\":\"phash\",\"hash\":\"00000000000000ff\"}]}");

        String token;
        List<String> before;
        try (TestServer s = new TestServer(dir)) {
            token = s.token("t", Scope.ADMIN);
            s.postJson("/api/v1/banks", token, "{\"name\":\"a\",\"labels\":[\"csam\"]}");
            s.postJson("/api/v1/banks", token, "{\"name\":\"ok\",\"kind\":\"allow\",\"thresholds\":{\"pdq\":0}}");
            StringBuilder text = new StringBuilder();
            for (String h : hashes) text.append("pdq ").append(h).append('\n');
            assertThat(s.send("POST", "/api/v1/banks/a/entries", token, "text/plain", text.toString(), null).status()).isEqualTo(201);
            s.postJson("/api/v1/banks/a/entries", token, "[{\"signal_type\":\"md5\",\"value\":\"d41d8cd98f00b204e9800998ecf8427e\"},"
                    + "{\"signal_type\":\"phash\",\"value\":\"00000000000000f0\"}]");
            s.postJson("/api/v1/banks/ok/entries", token, "{\"signal_type\":\"pdq\",\"value\":\"" + hashes.get(8_000) + "\"}");
            JsonNode first = s.postJson("/api/v1/match", token, probes.get(0)).json().path("matches");
            s.send("DELETE", "/api/v1/banks/a/entries/" + first.get(0).path("entry_id").asLong(), token, null, null, null);
            before = answers(s, token, probes);
        }
        assertThat(before.get(0)).contains("\"matches\":[]");          // retracted
        assertThat(before.get(1)).contains("\"distance\":0");          // plain match
        assertThat(before.get(2)).contains("\"allowed\":[{\"bank\":\"ok\""); // vetoed by the allow bank
        assertThat(before.get(probes.size() - 1)).contains("\"signal_type\":\"md5\"").contains("\"signal_type\":\"phash\"");

        try (TestServer s = new TestServer(dir)) {
            assertThat(answers(s, token, probes)).isEqualTo(before);
        }
    }
}
