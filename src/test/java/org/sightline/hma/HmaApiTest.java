package org.sightline.hma;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.audit.AuditEvent;
import org.sightline.config.Config;
import org.sightline.hashing.PdqHash;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** HMA 1.1.7's routes over real HTTP, with a token (no trusted networks configured). */
class HmaApiTest {
    /** bridge-mods/aaa-orig.jpg and its rotation by 90° (dih/bridge-2-rotate-90.jpg), as the reference hashes them. */
    static final String PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String PDQ_ROT90 = "30a10efd71cc3d429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";

    @TempDir
    static Path dir;
    static TestServer server;
    static MediaServer media;
    static HmaHttp admin, reader, writer, matcher, anonymous;

    @BeforeAll
    static void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("ingest.workers", 0));
        media = new MediaServer();
        admin = new HmaHttp(server.base, server.token("admin", Scope.ADMIN));
        reader = new HmaHttp(server.base, server.token("reader", Scope.BANKS_READ));
        writer = new HmaHttp(server.base, server.token("writer", Scope.BANKS_WRITE));
        matcher = new HmaHttp(server.base, server.token("matcher", Scope.MATCH));
        anonymous = new HmaHttp(server.base, null);
    }

    @AfterAll
    static void stop() {
        server.close();
        media.close();
    }

    static byte[] image(String path) {
        return Webhooks.resource("/pdq/images/" + path);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void createBank(String name) {
        HmaHttp.Answer a = writer.json("POST", "/c/banks", "{\"name\": \"" + name + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    @Test
    void without_a_token_and_outside_the_trusted_networks_every_hma_route_is_refused() {
        assertThat(anonymous.get("/c/banks").status()).isEqualTo(401);
        assertThat(anonymous.get("/m/lookup?signal_type=pdq&signal=" + PDQ).status()).isEqualTo(401);
        assertThat(anonymous.json("POST", "/c/banks", "{\"name\": \"NOPE\"}").status()).isEqualTo(401);
        assertThat(anonymous.get("/h/hash?url=" + enc(media.url("/x.jpg"))).status()).isEqualTo(401);
        // loopback is not trusted unless listed
        assertThat(anonymous.get("/c/banks").json().path("message").asText()).contains("hma.trusted_networks");
        // the health checks are open, as HMA's
        HmaHttp.Answer status = anonymous.get("/status");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body()).isEqualTo("I-AM-ALIVE");
        assertThat(anonymous.get("/status/live").body()).isEqualTo("I-AM-ALIVE");
    }

    @Test
    void each_route_needs_its_scope() {
        assertThat(matcher.get("/c/banks").status()).isEqualTo(403);
        assertThat(reader.json("POST", "/c/banks", "{\"name\": \"NOPE\"}").status()).isEqualTo(403);
        assertThat(reader.get("/m/lookup?signal_type=pdq&signal=" + PDQ).status()).isEqualTo(403);
        assertThat(reader.delete("/c/bank/ANY").status()).isEqualTo(403);
        assertThat(reader.get("/c/banks").status()).isEqualTo(200);
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ).status()).isEqualTo(200);
        assertThat(admin.get("/c/banks").status()).isEqualTo(200);
    }

    @Test
    void banks_are_created_renamed_rated_and_deleted_as_in_hma_and_are_sightline_banks() {
        HmaHttp.Answer created = writer.json("POST", "/c/banks", "{\"name\": \"COOP_1_CSAM\", \"enabled_ratio\": \"0.5\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("name").asText()).isEqualTo("COOP_1_CSAM");
        assertThat(created.json().path("matching_enabled_ratio").asDouble()).isEqualTo(0.5);

        HmaHttp.Answer dup = writer.json("POST", "/c/banks", "{\"name\": \"COOP_1_CSAM\"}");
        assertThat(dup.status()).isEqualTo(403);
        assertThat(dup.json().size()).isEqualTo(1);
        assertThat(dup.message()).isEqualTo("Bank already exists");
        HmaHttp.Answer lower = writer.json("POST", "/c/banks", "{\"name\": \"coop_lower\"}");
        assertThat(lower.status()).isEqualTo(400);
        assertThat(lower.message()).isEqualTo("Bank names must be UPPER_WITH_UNDERSCORE");
        assertThat(writer.json("POST", "/c/banks", "{\"enabled_ratio\": 1}").status()).isEqualTo(422);
        assertThat(writer.json("POST", "/c/banks", "{\"name\": \"RATIO_X\", \"enabled_ratio\": \"lots\"}").status()).isEqualTo(422);

        // the same bank on Sightline's own API, with the default policy
        JsonNode nativeBank = server.get("/api/v1/banks/COOP_1_CSAM", admin.tokenForTests()).json();
        assertThat(nativeBank.path("policy").asText()).isEqualTo("review");
        assertThat(nativeBank.path("kind").asText()).isEqualTo("local");

        JsonNode shown = reader.get("/c/bank/COOP_1_CSAM").json();
        assertThat(shown.path("matching_enabled_ratio").asDouble()).isEqualTo(0.5);
        assertThat(reader.get("/c/banks").json().findValuesAsText("name")).contains("COOP_1_CSAM");

        HmaHttp.Answer renamed = writer.json("PUT", "/c/bank/COOP_1_CSAM", "{\"name\": \"COOP_1_CSAM_V2\", \"enabled\": true}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().path("name").asText()).isEqualTo("COOP_1_CSAM_V2");
        assertThat(renamed.json().path("matching_enabled_ratio").asDouble()).isEqualTo(1.0);
        assertThat(reader.get("/c/bank/COOP_1_CSAM").status()).isEqualTo(404);
        createBank("TAKEN");
        HmaHttp.Answer clash = writer.json("PUT", "/c/bank/COOP_1_CSAM_V2", "{\"name\": \"TAKEN\"}");
        assertThat(clash.status()).isEqualTo(403);
        assertThat(clash.message()).isEqualTo("Bank name already exists");
        HmaHttp.Answer missing = writer.json("PUT", "/c/bank/NO_SUCH", "{\"enabled\": false}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.message()).isEqualTo("Bank not found");

        HmaHttp.Answer deleted = writer.delete("/c/bank/COOP_1_CSAM_V2");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("message").asText()).isEqualTo("Done");
        HmaHttp.Answer gone = reader.get("/c/bank/COOP_1_CSAM_V2");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.message()).isEqualTo("bank 'COOP_1_CSAM_V2' not found");
        assertThat(writer.delete("/c/bank/COOP_1_CSAM_V2").json().path("message").asText()).isEqualTo("Done");

        List<String> actions = server.deps.audit().search("token:writer", null, null, Long.MAX_VALUE, 100).stream()
                .map(AuditEvent::action).toList();
        assertThat(actions).contains("bank_create", "hma_bank_ratio", "bank_rename", "bank_remove");
    }

    @Test
    void signals_are_banked_looked_up_over_all_eight_variants_disabled_and_deleted() {
        createBank("LOOKUP_BANK");
        HmaHttp.Answer added = writer.json("POST", "/c/bank/LOOKUP_BANK/signal", "{\"pdq\": \"" + PDQ + "\", \"note\": \"seen\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        long id = added.json().path("id").asLong();
        assertThat(added.json().path("signals").path("pdq").asText()).isEqualTo(PDQ);

        // the rotated image's hash finds the original: HMA would not, Sightline searches the 8 variants
        JsonNode found = matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ_ROT90).json();
        JsonNode hit = found.path("LOOKUP_BANK").get(0);
        assertThat(hit.path("bank_content_id").asLong()).isEqualTo(id);
        assertThat(hit.path("distance").isTextual()).isTrue();
        assertThat(Integer.parseInt(hit.path("distance").asText())).isLessThanOrEqualTo(31);
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ + "&banks=OTHER").json().size()).isZero();
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + new PdqHash(1, 2, 3, 4).hex()).body()).isEqualTo("{}");

        assertThat(matcher.get("/m/raw_lookup?signal_type=pdq&signal=" + PDQ).json().path("matches").get(0).asLong()).isEqualTo(id);
        JsonNode raw = matcher.get("/m/raw_lookup?signal_type=pdq&signal=" + PDQ + "&include_distance=true").json();
        assertThat(raw.path("matches").get(0).path("bank_content_id").asLong()).isEqualTo(id);
        assertThat(raw.path("matches").get(0).path("distance").asText()).isEqualTo("0");

        JsonNode content = reader.get("/c/bank/LOOKUP_BANK/content/" + id + "?include_signals=true").json();
        assertThat(content.path("id").asLong()).isEqualTo(id);
        assertThat(content.path("disable_until_ts").asLong()).isEqualTo(1);
        assertThat(content.path("bank").path("name").asText()).isEqualTo("LOOKUP_BANK");
        assertThat(content.path("signals").path("pdq").asText()).isEqualTo(PDQ);
        assertThat(content.path("note").asText()).isEqualTo("seen");
        assertThat(content.has("metadata")).isFalse();

        HmaHttp.Answer disabled = writer.json("PUT", "/c/bank/LOOKUP_BANK/content/" + id, "{\"disable_until_ts\": 0}");
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.json().path("disable_until_ts").asLong()).isZero();
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().has("LOOKUP_BANK")).isFalse();
        // raw lookups do not check enabled state, as HMA's
        assertThat(matcher.get("/m/raw_lookup?signal_type=pdq&signal=" + PDQ).json().path("matches")).hasSize(1);
        assertThat(writer.json("PUT", "/c/bank/LOOKUP_BANK/content/" + id, "{\"disable_until_ts\": -3}").status()).isEqualTo(400);
        HmaHttp.Answer enabled = writer.json("PUT", "/c/bank/LOOKUP_BANK/content/" + id, "{\"disable_until_ts\": \"1\", \"note\": \"checked\"}");
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(enabled.json().path("note").asText()).isEqualTo("checked");
        assertThat(reader.get("/c/bank/LOOKUP_BANK/content/" + id).json().path("note").asText()).isEqualTo("checked");
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().has("LOOKUP_BANK")).isTrue();

        // a bank with enabled_ratio 0 takes part in no lookup
        writer.json("PUT", "/c/bank/LOOKUP_BANK", "{\"enabled_ratio\": 0}");
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().has("LOOKUP_BANK")).isFalse();
        writer.json("PUT", "/c/bank/LOOKUP_BANK", "{\"enabled_ratio\": 1.0}");

        assertThat(writer.delete("/c/bank/LOOKUP_BANK/content/" + id).json().path("deleted").asInt()).isEqualTo(1);
        assertThat(writer.delete("/c/bank/LOOKUP_BANK/content/" + id).json().path("deleted").asInt()).isZero();
        HmaHttp.Answer gone = reader.get("/c/bank/LOOKUP_BANK/content/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.message()).isEqualTo("content '" + id + "' not found");
        assertThat(matcher.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().has("LOOKUP_BANK")).isFalse();
        assertThat(server.deps.audit().search("token:writer", "bank_retract", null, Long.MAX_VALUE, 10)).isNotEmpty();
        assertThat(server.deps.audit().search("token:writer", "hma_content_update", null, Long.MAX_VALUE, 10)).isNotEmpty();
    }

    @Test
    void media_are_hashed_by_url_and_upload_and_banked_with_metadata() {
        String url = media.put("/bridge.jpg", image("bridge-mods/aaa-orig.jpg"));
        HmaHttp.Answer hashed = matcher.get("/h/hash?url=" + enc(url));
        assertThat(hashed.status()).as(hashed.body()).isEqualTo(200);
        assertThat(hashed.body()).isEqualTo("{\"pdq\":\"" + PDQ + "\"}");
        // quality under 50: an empty PDQ, as HMA's hasher gives
        String small = media.put("/small.jpg", image("misc-images/small.jpg"));
        assertThat(matcher.get("/h/hash?url=" + enc(small)).json().path("pdq").asText()).isEmpty();

        HmaHttp.Answer upload = matcher.multipart("/h/hash", "photo", image("bridge-mods/aaa-orig.jpg"));
        assertThat(upload.json().path("pdq").asText()).isEqualTo(PDQ);
        // a photo sent as a video is no video: HMA's 400
        HmaHttp.Answer video = matcher.multipart("/h/hash", "video", image("bridge-mods/aaa-orig.jpg"));
        assertThat(video.status()).isEqualTo(400);
        assertThat(video.message()).startsWith("cannot hash the media");
        assertThat(matcher.multipart("/h/hash", "audio", image("bridge-mods/aaa-orig.jpg")).message())
                .isEqualTo("no such content_type: 'audio'");
        assertThat(matcher.multipart("/h/hash", null, null).message()).isEqualTo("Missing multipart/form-data file upload");
        assertThat(matcher.get("/h/hash?url=" + enc("ftp://example.org/x.jpg")).message()).isEqualTo("Invalid or unsafe URL provided");
        assertThat(matcher.get("/h/hash?url=" + enc(media.url("/missing.jpg"))).message()).startsWith("Failed to fetch URL");
        assertThat(matcher.get("/h/hash").status()).isEqualTo(422);

        createBank("MEDIA_BANK");
        HmaHttp.Answer byUrl = writer.send("POST", "/c/bank/MEDIA_BANK/content?url=" + enc(url), null, null);
        assertThat(byUrl.status()).as(byUrl.body()).isEqualTo(200);
        long id = byUrl.json().path("id").asLong();
        assertThat(byUrl.json().path("signals").path("pdq").asText()).isEqualTo(PDQ);
        HmaHttp.Answer byFile = writer.multipart("/c/bank/MEDIA_BANK/content", "photo", image("dih/bridge-3-rotate-180.jpg"),
                "note", "from a report", "metadata", "{\"content_id\": \"post-7\", \"json\": {\"k\": 1}}");
        assertThat(byFile.status()).as(byFile.body()).isEqualTo(200);
        long fileId = byFile.json().path("id").asLong();
        JsonNode withMeta = reader.get("/c/bank/MEDIA_BANK/content/" + fileId).json();
        assertThat(withMeta.path("metadata").path("content_id").asText()).isEqualTo("post-7");
        assertThat(withMeta.path("metadata").path("json").path("k").asInt()).isEqualTo(1);
        assertThat(withMeta.path("note").asText()).isEqualTo("from a report");
        assertThat(writer.multipart("/c/bank/MEDIA_BANK/content", "photo", image("dih/bridge-3-rotate-180.jpg"),
                "metadata", "{\"colour\": \"red\"}").status()).isEqualTo(400);
        HmaHttp.Answer lowQuality = writer.send("POST", "/c/bank/MEDIA_BANK/content?url=" + enc(small), null, null);
        assertThat(lowQuality.status()).isEqualTo(400);
        assertThat(lowQuality.message()).isEqualTo("Invalid pdq signal: invalid PDQ hash");
        assertThat(writer.send("POST", "/c/bank/MEDIA_BANK/content", null, null).message())
                .isEqualTo("Neither `url` nor multipart file upload was received");
        assertThat(writer.send("POST", "/c/bank/NO_BANK/content?url=" + enc(url), null, null).status()).isEqualTo(404);

        JsonNode byLookupUrl = matcher.get("/m/lookup?url=" + enc(url)).json();
        assertThat(byLookupUrl.path("pdq").path("MEDIA_BANK").findValuesAsText("bank_content_id")).contains(String.valueOf(id));
        JsonNode elided = matcher.get("/m/lookup?url=" + enc(url) + "&signal_type=pdq").json();
        assertThat(elided.has("MEDIA_BANK")).isTrue();
        JsonNode byUpload = matcher.multipart("/m/lookup", "photo", image("dih/bridge-2-rotate-90.jpg")).json();
        assertThat(byUpload.path("pdq").path("MEDIA_BANK").findValuesAsText("bank_content_id"))
                .contains(String.valueOf(id), String.valueOf(fileId));
    }

    @Test
    void compare_index_status_and_types_answer_in_hma_shapes() {
        String far = new PdqHash(~0L, 0, 0, 0).hex();
        JsonNode same = matcher.json("POST", "/m/compare", "{\"pdq\": [\"" + PDQ + "\", \"" + PDQ + "\"]}").json();
        assertThat(same.path("pdq").get(0).asBoolean()).isTrue();
        assertThat(same.path("pdq").get(1).path("distance").asInt()).isZero();
        JsonNode apart = matcher.json("POST", "/m/compare", "{\"pdq\": [\"" + PDQ + "\", \"" + far + "\"]}").json();
        assertThat(apart.path("pdq").get(0).asBoolean()).isFalse();
        assertThat(matcher.json("POST", "/m/compare", "{\"pdq\": [\"" + PDQ + "\"]}").message())
                .isEqualTo("Comparison hash list length must be exactly 2");
        assertThat(matcher.json("POST", "/m/compare", "[1]").message()).isEqualTo("Request input was not a dict");
        assertThat(matcher.json("POST", "/m/compare", "{\"tmk\": [\"a\", \"b\"]}").message()).isEqualTo("No such SignalType 'tmk'");
        assertThat(matcher.json("POST", "/m/compare", "{\"vpdq\": [\"a\", \"b\"]}").message()).startsWith("Invalid vpdq hash: ");

        JsonNode status = matcher.get("/m/index/status").json().path("pdq");
        assertThat(status.path("present").asBoolean()).isTrue();
        assertThat(status.path("size").isInt()).isTrue();
        assertThat(status.path("built_to").asLong()).isPositive();
        assertThat(matcher.get("/m/index/status?signal_type=md9").status()).isEqualTo(400);

        JsonNode signalTypes = reader.get("/c/signal_type").json();
        assertThat(signalTypes).hasSize(3);
        assertThat(signalTypes.get(0).path("name").asText()).isEqualTo("pdq");
        assertThat(signalTypes.get(0).path("enabled_ratio").asDouble()).isEqualTo(1.0);
        JsonNode types = reader.get("/c/content_type").json();
        assertThat(types.get(0).path("name").asText()).isEqualTo("photo");
        assertThat(types.get(0).path("enabled").asBoolean()).isTrue();

        HmaHttp.Answer badSignal = matcher.get("/m/lookup?signal_type=pdq&signal=xyz");
        assertThat(badSignal.status()).isEqualTo(400);
        assertThat(badSignal.message()).isEqualTo("invalid signal: invalid PDQ hash");
        assertThat(matcher.get("/m/lookup?signal_type=md9&signal=xyz").message()).isEqualTo("No such SignalType 'md9'");
    }
}
