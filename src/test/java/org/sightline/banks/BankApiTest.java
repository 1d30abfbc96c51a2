package org.sightline.banks;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.TestServer.Response;
import org.sightline.access.Scope;
import org.sightline.hashing.PdqHash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The bank and match API over real HTTP. */
class BankApiTest {
    static final String PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    /** The same image rotated by 90°, as the reference pipeline hashes it. */
    static final String PDQ_ROT90 = "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";

    @TempDir
    static Path dir;
    static TestServer server;
    static String admin, writer, reader, matcher;

    @BeforeAll
    static void start() {
        server = new TestServer(dir);
        admin = server.token("admin", Scope.ADMIN);
        writer = server.token("writer", Scope.BANKS_WRITE);
        reader = server.token("reader", Scope.BANKS_READ);
        matcher = server.token("matcher", Scope.MATCH);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String flip(String hex, int bits) {
        PdqHash h = PdqHash.parse(hex);
        long w0 = h.w0();
        for (int i = 0; i < bits; i++) w0 ^= 1L << i;
        return new PdqHash(w0, h.w1(), h.w2(), h.w3()).hex();
    }

    void createBank(String json) {
        Response r = server.postJson("/api/v1/banks", writer, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static void assertError(Response r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).contains(messagePart);
    }

    @Test
    void health_is_public_and_everything_else_needs_a_token() {
        assertThat(server.get("/healthz", null).status()).isEqualTo(200);
        assertError(server.get("/api/v1/banks", null), 401, "unauthorized", "missing bearer token");
        assertError(server.get("/api/v1/banks", "stl_not-a-real-token"), 401, "unauthorized", "invalid token");
        assertError(server.send("GET", "/api/v1/banks", null, null, null, null), 401, "unauthorized", "");
        assertError(server.postJson("/api/v1/match", null, "{}"), 401, "unauthorized", "");
        assertError(server.get("/m/lookup?signal_type=pdq&signal=" + PDQ, null), 401, "unauthorized", "");
        assertError(server.send("DELETE", "/api/v1/banks/x/entries/1", null, null, null, null), 401, "unauthorized", "");
    }

    @Test
    void each_route_requires_its_scope() {
        createBank("{\"name\": \"scoped\"}");
        assertError(server.get("/api/v1/banks", matcher), 403, "forbidden", "banks:read");
        assertError(server.postJson("/api/v1/banks", reader, "{\"name\": \"x\"}"), 403, "forbidden", "banks:write");
        assertError(server.send("PATCH", "/api/v1/banks/scoped", reader, "application/json", "{}", null), 403, "forbidden", "banks:write");
        assertError(server.postJson("/api/v1/banks/scoped/entries", reader, "{}"), 403, "forbidden", "banks:write");
        assertError(server.send("DELETE", "/api/v1/banks/scoped/entries/1", reader, null, null, null), 403, "forbidden", "banks:write");
        assertError(server.get("/api/v1/banks/scoped/entries", matcher), 403, "forbidden", "banks:read");
        assertError(server.postJson("/api/v1/match", reader, "{\"signal_type\":\"pdq\",\"hash\":\"" + PDQ + "\"}"), 403, "forbidden", "match");
        assertError(server.get("/m/lookup?signal_type=pdq&signal=" + PDQ, writer), 403, "forbidden", "match");
        // admin implies every scope
        assertThat(server.get("/api/v1/banks", admin).status()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/match", admin, "{\"signal_type\":\"pdq\",\"hash\":\"" + PDQ + "\"}").status()).isEqualTo(200);
    }

    @Test
    void malformed_input_is_a_400_with_the_reason() {
        assertError(server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"abc\"}"),
                400, "bad_request", "pdq value must be 64 hex digits, got 3 characters");
        assertError(server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"" + PDQ.substring(1) + "x\"}"),
                400, "bad_request", "non-hex character at position 64");
        assertError(server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"sha1\",\"hash\":\"00\"}"),
                400, "bad_request", "unknown signal_type 'sha1'");
        assertError(server.postJson("/api/v1/match", matcher, "{\"signals\": [{\"signal_type\":\"md5\",\"hash\":\"zz\"}]}"),
                400, "bad_request", "signals[0]: md5 value must be 32 hex digits");
        assertError(server.postJson("/api/v1/match", matcher, "{not json"), 400, "bad_request", "malformed JSON");
        // HMA's errors are {"message"} alone, with HMA's words
        Response bad = server.get("/m/lookup?signal_type=pdq&signal=123", matcher);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("message").asText()).isEqualTo("invalid signal: invalid PDQ hash");
        Response missing = server.get("/m/lookup?signal_type=pdq", matcher);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("message").asText()).isEqualTo("Either url or both signal and signal_type are required");
        assertError(server.postJson("/api/v1/banks", writer, "{\"name\":\"lbl\",\"labels\":[\"cats\"]}"),
                400, "bad_request", "unknown label 'cats'");
        assertError(server.postJson("/api/v1/banks", writer, "{\"name\":\"Bad Name\"}"), 400, "bad_request", "bank name");
        createBank("{\"name\": \"dup\"}");
        assertError(server.postJson("/api/v1/banks", writer, "{\"name\":\"dup\"}"), 409, "conflict", "already exists");
        assertError(server.send("POST", "/api/v1/banks/dup/entries", writer, "text/plain", "pdq " + PDQ + "\npdq 12\n", null),
                400, "bad_request", "entry 2: pdq value must be 64 hex digits");
        assertError(server.send("POST", "/api/v1/banks/dup/entries", writer, "text/plain", "pdq " + PDQ + " extra\n", null),
                400, "bad_request", "line 1: expected '<signal_type> <value>'");
        assertError(server.postJson("/api/v1/banks/dup/entries", writer, "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\",\"labels\":[\"nope\"]}"),
                400, "bad_request", "entry 1: unknown label 'nope'");
    }

    @Test
    void unknown_bank_is_a_404() {
        assertError(server.get("/api/v1/banks/nope", reader), 404, "not_found", "no bank named 'nope'");
        assertError(server.send("PATCH", "/api/v1/banks/nope", writer, "application/json", "{}", null), 404, "not_found", "nope");
        assertError(server.postJson("/api/v1/banks/nope/entries", writer, "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\"}"),
                404, "not_found", "nope");
        assertError(server.get("/api/v1/banks/nope/entries", reader), 404, "not_found", "nope");
        assertError(server.send("DELETE", "/api/v1/banks/nope/entries/1", writer, null, null, null), 404, "not_found", "nope");
        createBank("{\"name\": \"has-no-entry\"}");
        assertError(server.send("DELETE", "/api/v1/banks/has-no-entry/entries/999999", writer, null, null, null),
                404, "not_found", "no entry 999999");
    }

    @Test
    void added_entry_matches_in_both_apis_and_retracted_entry_no_longer_matches() {
        createBank("{\"name\": \"live\", \"labels\": [\"terrorism\"], \"policy\": \"report\"}");
        Response add = server.postJson("/api/v1/banks/live/entries", writer,
                "{\"signal_type\":\"pdq\",\"value\":\"" + PDQ + "\",\"labels\":[\"graphic_violence\"],\"note\":\"n\"}");
        assertThat(add.status()).as(add.body()).isEqualTo(201);
        long id = add.json().path("ids").get(0).asLong();

        // A near copy, and the rotated copy found through the derived variants.
        JsonNode m = server.postJson("/api/v1/match", matcher,
                "{\"signal_type\":\"pdq\",\"hash\":\"" + flip(PDQ, 5) + "\"}").json().path("matches");
        assertThat(m).hasSize(1);
        assertThat(m.get(0).path("bank").asText()).isEqualTo("live");
        assertThat(m.get(0).path("entry_id").asLong()).isEqualTo(id);
        assertThat(m.get(0).path("distance").asInt()).isEqualTo(5);
        assertThat(m.get(0).path("variant").asText()).isEqualTo("original");
        assertThat(m.get(0).path("labels")).extracting(JsonNode::asText).containsExactly("graphic_violence", "terrorism");
        JsonNode rot = server.postJson("/api/v1/match", matcher,
                "{\"signals\":[{\"signal_type\":\"pdq\",\"hash\":\"" + PDQ_ROT90 + "\"}]}").json().path("matches");
        assertThat(rot).hasSize(1);
        assertThat(rot.get(0).path("variant").asText()).isEqualTo("rotate270");
        // Quality below 50 is never matched.
        assertThat(server.postJson("/api/v1/match", matcher,
                "{\"signal_type\":\"pdq\",\"hash\":\"" + PDQ + "\",\"quality\":40}").json().path("matches")).isEmpty();

        JsonNode lookup = server.get("/m/lookup?signal_type=pdq&signal=" + flip(PDQ, 2), matcher).json();
        assertThat(lookup.path("live").get(0).path("bank_content_id").asLong()).isEqualTo(id);
        assertThat(lookup.path("live").get(0).path("distance").asText()).isEqualTo("2"); // a string, as HMA's

        Response del = server.send("DELETE", "/api/v1/banks/live/entries/" + id, writer, null, null, null);
        assertThat(del.status()).isEqualTo(200);
        assertThat(del.json().path("state").asText()).isEqualTo("retracted");
        assertThat(del.json().path("retracted_by").asText()).isEqualTo("writer");
        assertThat(server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"" + PDQ + "\"}")
                .json().path("matches")).isEmpty();
        assertThat(server.get("/m/lookup?signal_type=pdq&signal=" + PDQ, matcher).json().has("live")).isFalse();
        // The row is kept, visible in the full export.
        JsonNode all = server.get("/api/v1/banks/live/entries?include_retracted=true", reader).json().path("entries");
        assertThat(all).hasSize(1);
        assertThat(all.get(0).path("state").asText()).isEqualTo("retracted");
    }

    @Test
    void patching_a_threshold_and_an_allow_bank_change_what_matches() {
        String h = new PdqHash(1, 2, 3, 4).hex();
        createBank("{\"name\": \"t-bank\"}");
        server.postJson("/api/v1/banks/t-bank/entries", writer, "{\"signal_type\":\"pdq\",\"value\":\"" + h + "\"}");
        String near = flip(h, 12);
        assertThat(server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"" + near + "\"}")
                .json().path("matches")).hasSize(1);

        Response p = server.send("PATCH", "/api/v1/banks/t-bank", writer, "application/json",
                "{\"thresholds\": {\"pdq\": 10}, \"mode\": \"observe\"}", null);
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        assertThat(p.json().path("thresholds").path("pdq").asInt()).isEqualTo(10);
        assertThat(server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"" + near + "\"}")
                .json().path("matches")).isEmpty();
        server.send("PATCH", "/api/v1/banks/t-bank", writer, "application/json", "{\"thresholds\": {\"pdq\": 31}}", null);

        // A known false positive in an allow bank vetoes the match.
        createBank("{\"name\": \"fp\", \"kind\": \"allow\", \"thresholds\": {\"pdq\": 15}}");
        server.postJson("/api/v1/banks/fp/entries", writer, "{\"signal_type\":\"pdq\",\"value\":\"" + flip(h, 3) + "\"}");
        JsonNode r = server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"" + near + "\"}").json();
        assertThat(r.path("matches")).isEmpty();
        assertThat(r.path("allowed").get(0).path("bank").asText()).isEqualTo("fp");
        assertThat(r.path("vetoed").get(0).path("bank").asText()).isEqualTo("t-bank");
        assertThat(r.path("vetoed").get(0).path("mode").asText()).isEqualTo("observe");
        assertThat(server.get("/m/lookup?signal_type=pdq&signal=" + near, matcher).json().size()).isZero();
    }

    @Test
    void bulk_upload_of_100k_lines_and_export_round_trip() {
        createBank("{\"name\": \"big\", \"labels\": [\"spam\"]}");
        SplittableRandom rnd = new SplittableRandom(100);
        StringBuilder body = new StringBuilder("# exported by python-threatexchange\n");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            String line = "pdq " + new PdqHash(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()).hex();
            lines.add(line);
            body.append(line).append('\n');
        }
        long t0 = System.nanoTime();
        Response up = server.send("POST", "/api/v1/banks/big/entries?labels=spam,other", writer, "text/plain", body.toString(), null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        assertThat(up.json().path("added").asInt()).isEqualTo(100_000);
        System.out.println("bulk upload of 100k lines: " + ms + " ms");

        // Every line is matchable at once.
        String probe = lines.get(77_777).substring(4);
        JsonNode m = server.postJson("/api/v1/match", matcher, "{\"signal_type\":\"pdq\",\"hash\":\"" + probe + "\"}")
                .json().path("matches");
        assertThat(m).hasSize(1);
        assertThat(m.get(0).path("distance").asInt()).isZero();
        assertThat(server.get("/api/v1/banks/big", reader).json().path("active_entries").asLong()).isEqualTo(100_000);

        // Text export (Accept header and ?format=txt) gives back the lines, in order.
        Response txt = server.send("GET", "/api/v1/banks/big/entries", reader, null, null, "text/plain");
        assertThat(txt.contentType()).startsWith("text/plain");
        assertThat(txt.body().lines().toList()).isEqualTo(lines);
        assertThat(server.get("/api/v1/banks/big/entries?format=txt", reader).body()).isEqualTo(txt.body());

        // JSON export imported into a new bank exports the same signals and labels.
        Response json = server.get("/api/v1/banks/big/entries", reader);
        JsonNode entries = json.json().path("entries");
        assertThat(entries).hasSize(100_000);
        assertThat(entries.get(0).path("labels")).extracting(JsonNode::asText).containsExactly("spam", "other");
        createBank("{\"name\": \"big-copy\"}");
        Response imp = server.postJson("/api/v1/banks/big-copy/entries", writer, entries.toString());
        assertThat(imp.status()).as(imp.body()).isEqualTo(201);
        JsonNode copy = server.get("/api/v1/banks/big-copy/entries", reader).json().path("entries");
        assertThat(copy).hasSize(100_000);
        for (int i = 0; i < entries.size(); i += 997) {
            assertThat(copy.get(i).path("value")).isEqualTo(entries.get(i).path("value"));
            assertThat(copy.get(i).path("labels")).isEqualTo(entries.get(i).path("labels"));
        }
        assertThat(server.get("/api/v1/banks/big-copy/entries?format=txt", reader).body()).isEqualTo(txt.body());
    }

    @Test
    void banks_list_and_get_show_settings() {
        createBank("{\"name\": \"shown\", \"kind\": \"subscribed\", \"policy\": \"mark_sensitive\", \"labels\": [\"hate_symbol\"],"
                + " \"thresholds\": {\"pdq\": 20, \"phash\": 8, \"dhash\": 12}}");
        JsonNode b = server.get("/api/v1/banks/shown", reader).json();
        assertThat(b.path("kind").asText()).isEqualTo("subscribed");
        assertThat(b.path("policy").asText()).isEqualTo("mark_sensitive");
        assertThat(b.path("mode").asText()).isEqualTo("enforce");
        assertThat(b.path("thresholds").path("pdq").asInt()).isEqualTo(20);
        assertThat(b.path("thresholds").path("phash").asInt()).isEqualTo(8);
        assertThat(b.path("thresholds").path("dhash").asInt()).isEqualTo(12);
        assertThat(b.path("active_entries").asInt()).isZero();
        List<String> names = new ArrayList<>();
        server.get("/api/v1/banks", reader).json().path("banks").forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).contains("shown");
        assertError(server.send("PATCH", "/api/v1/banks/shown", writer, "application/json", "{\"kind\": \"allow\"}", null),
                400, "bad_request", "kind cannot be changed");
    }
}
