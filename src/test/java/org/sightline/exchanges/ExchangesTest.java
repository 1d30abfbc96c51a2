package org.sightline.exchanges;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.hashing.PdqHash;
import org.sightline.hma.HmaHttp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Exchanges against fakes speaking StopNCII's and NCMEC's documented shapes, configured through HMA's routes. */
class ExchangesTest {
    /** Random hashes: any two lie about 128 bits apart, far beyond a match. */
    static String random(long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        return new PdqHash(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong()).hex();
    }

    static final String A = random(1);
    static final String B = random(2);
    static final String C = random(3);

    @TempDir
    Path dir;
    TestServer server;
    FakeExchangeServer fake;
    String adminToken;
    HmaHttp admin;

    @BeforeEach
    void start() {
        fake = new FakeExchangeServer();
        open();
    }

    void open() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("ingest.workers", 0).with("exchanges.flood_min_adds", 5)
                .with("exchanges.allow_custom_endpoints", true)); // the fakes stand in for NCMEC's environments
        adminToken = server.deps.tokens().list().stream().anyMatch(t -> t.name().equals("admin"))
                ? adminToken : server.token("admin", Scope.ADMIN);
        admin = new HmaHttp(server.base, adminToken);
    }

    @AfterEach
    void stop() {
        server.close();
        fake.close();
    }

    JsonNode fetchNow(String name) {
        HmaHttp.Answer r = admin.send("POST", "/api/v1/exchanges/" + name + "/fetch", null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode status(String name) {
        HmaHttp.Answer r = admin.get("/c/exchange/" + name + "/status");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Raw lookups include observe-mode banks (an exchange's bank starts in observe mode). */
    int rawMatches(String pdq) {
        return admin.get("/m/raw_lookup?signal_type=pdq&signal=" + pdq).json().path("matches").size();
    }

    static FakeExchangeServer.Answer json(String body) {
        return new FakeExchangeServer.Answer(200, "application/json", body);
    }

    static String record(String hash, String status) {
        return "{\"lastModtimestamp\": 1700000000, \"hashValue\": \"" + hash + "\", \"hashStatus\": \"" + status
                + "\", \"caseNumbers\": {\"case-1\": \"" + status + "\"}, \"signalType\": \"ImagePDQ\"}";
    }

    /** StopNCII: two pages, then (from the stored checkpoint) a withdrawal. */
    FakeExchangeServer.Answer stopNcii(FakeExchangeServer.Seen s) {
        if (!"fk-secret".equals(s.headers().get("x-functions-key")) || !"sk-secret".equals(s.headers().get("ocp-apim-subscription-key"))) {
            return new FakeExchangeServer.Answer(401, "application/json", "{\"statusCode\": 401, \"message\": \"Access denied\"}");
        }
        if (!s.path().equals("/v1/FetchHashes") || !"800".equals(s.query().get("pageSize"))) return new FakeExchangeServer.Answer(400, "text/plain", "bad");
        String start = s.query().get("startTimestamp");
        String token = s.query().get("nextPageToken");
        if ("10".equals(start) && token == null) {
            return json("{\"count\": 2, \"nextSetTimestamp\": 1700000100, \"nextPageToken\": \"tok/2+\", \"hasMoreRecords\": true,"
                    + " \"hashRecords\": [" + record(A, "Received") + ", " + record(B, "Received") + "]}");
        }
        if ("10".equals(start) && "tok/2+".equals(token)) {
            return json("{\"count\": 1, \"nextSetTimestamp\": 1700000200, \"nextPageToken\": \"tok3\", \"hasMoreRecords\": false,"
                    + " \"hashRecords\": [" + record(C, "Active") + "]}");
        }
        if ("1700000200".equals(start)) {
            return json("{\"count\": 1, \"nextSetTimestamp\": 1700000300, \"hasMoreRecords\": false,"
                    + " \"hashRecords\": [" + record(A, "Withdrawn") + "]}");
        }
        return json("{\"count\": 0, \"nextSetTimestamp\": " + start + ", \"hasMoreRecords\": false, \"hashRecords\": []}");
    }

    void stopNciiExchange(String functionKey) {
        HmaHttp.Answer creds = admin.json("POST", "/c/exchanges/api/stop_ncii", "{\"credential_json\": {\"fetch_function_key\": \""
                + functionKey + "\", \"subscription_key\": \"sk-secret\", \"base_url_override\": \"" + fake.base() + "/v1/\"}}");
        assertThat(creds.status()).as(creds.body()).isEqualTo(200);
        assertThat(creds.json().path("supports_authentification").asBoolean()).isTrue();
        assertThat(creds.json().path("has_set_authentification").asBoolean()).isTrue();
        HmaHttp.Answer created = admin.json("POST", "/c/exchanges", "{\"bank\": \"SNCII\", \"api\": \"stop_ncii\", \"api_json\": {}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("message").asText()).isEqualTo("Created successfully");
    }

    @Test
    void stop_ncii_pages_keeps_its_checkpoint_across_a_restart_and_a_withdrawn_record_removes_the_entry() {
        fake.handler = this::stopNcii;
        stopNciiExchange("fk-secret");
        JsonNode before = status("SNCII");
        assertThat(before.path("last_fetch_succeeded").isNull()).isTrue();
        assertThat(before.path("fetched_items").asLong()).isZero();

        JsonNode first = fetchNow("SNCII");
        assertThat(first.path("succeeded").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.path("pages").asInt()).isEqualTo(2);
        assertThat(first.path("added").asLong()).isEqualTo(3);
        // the page token went back exactly as given
        assertThat(fake.seen.get(1).query().get("nextPageToken")).isEqualTo("tok/2+");
        JsonNode st = status("SNCII");
        assertThat(st.path("last_fetch_succeeded").asBoolean()).isTrue();
        assertThat(st.path("up_to_date").asBoolean()).isTrue();
        assertThat(st.path("fetched_items").asLong()).isEqualTo(3);
        assertThat(st.path("checkpoint_ts").asLong()).isEqualTo(1700000200L);
        assertThat(st.path("last_fetch_complete_ts").asLong()).isPositive();
        assertThat(st.path("running_fetch_start_ts").isNull()).isTrue();
        assertThat(rawMatches(A)).isEqualTo(1);
        assertThat(rawMatches(C)).isEqualTo(1);

        // the exchange's bank: subscribed, observe mode first, provenance on each entry
        JsonNode bank = server.get("/api/v1/banks/SNCII", adminToken).json();
        assertThat(bank.path("kind").asText()).isEqualTo("subscribed");
        assertThat(bank.path("mode").asText()).isEqualTo("observe");
        List<String> sources = new ArrayList<>();
        server.deps.banks().forEachEntry("SNCII", false, e -> sources.add(e.sourceList() + " " + e.note()));
        assertThat(sources).contains("exchange:SNCII exchange record ImagePDQ:" + A);
        // observe mode: HMA's lookup leaves the bank out until an admin switches it to enforce
        assertThat(admin.get("/m/lookup?signal_type=pdq&signal=" + A).json().has("SNCII")).isFalse();

        // a restart: the next fetch resumes from the stored checkpoint, and the withdrawal removes the entry
        server.close();
        open();
        int seenBefore = fake.seen.size();
        JsonNode second = fetchNow("SNCII");
        assertThat(second.path("removed").asLong()).as(second.toString()).isEqualTo(1);
        assertThat(second.path("added").asLong()).isZero();
        assertThat(fake.seen.get(seenBefore).query().get("startTimestamp")).isEqualTo("1700000200");
        assertThat(fake.seen.get(seenBefore).query()).doesNotContainKey("nextPageToken");
        assertThat(rawMatches(A)).isZero();
        assertThat(rawMatches(B)).isEqualTo(1);
        assertThat(status("SNCII").path("fetched_items").asLong()).isEqualTo(2);
        assertThat(status("SNCII").path("checkpoint_ts").asLong()).isEqualTo(1700000300L);

        // credentials are never shown back, and are sealed at rest
        String shown = admin.get("/c/exchange/SNCII").body();
        assertThat(shown).doesNotContain("fk-secret").doesNotContain("sk-secret");
        assertThat(admin.get("/c/exchange/SNCII").json().path("api").asText()).isEqualTo("stop_ncii");
        String sealed = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT sealed FROM exchange_credentials")
                .mapTo(String.class).one());
        assertThat(sealed).doesNotContain("fk-secret").doesNotContain("sk-secret");
        assertThat(server.deps.audit().search("token:admin", "exchange_credentials_set", null, Long.MAX_VALUE, 10)
                .get(0).detail()).doesNotContain("secret");

        // disabled, then deleted with its bank
        assertThat(admin.json("PUT", "/c/exchange/SNCII", "{\"enabled\": false}").json().path("enabled").asBoolean()).isFalse();
        assertThat(admin.delete("/c/exchange/SNCII").json().path("message").asText()).isEqualTo("Exchange deleted");
        assertThat(admin.get("/c/exchange/SNCII").status()).isEqualTo(404);
        assertThat(admin.get("/c/bank/SNCII").status()).isEqualTo(404);
        assertThat(rawMatches(B)).isZero();
    }

    static final String TX_TOKEN = "123456789|abcdefghijklmnopqrstuvwxyz012345";

    static String txUpdate(String type, String hash, long lastUpdated, boolean delete, String status) {
        String descriptors = delete ? "" : ", \"descriptors\": {\"data\": [{\"id\": \"77\", \"owner\": {\"id\": \"4242\"},"
                + " \"status\": \"" + status + "\", \"tags\": [\"media_type_photo\"], \"reactions\": []}]}";
        return "{\"id\": \"" + lastUpdated + "\", \"indicator\": \"" + hash + "\", \"type\": \"" + type
                + "\", \"last_updated\": " + lastUpdated + ", \"should_delete\": " + delete + descriptors + "}";
    }

    /** ThreatExchange's threat_updates for privacy group 303: two pages, then (from start_time) a tombstone. */
    FakeExchangeServer.Answer threatUpdates(FakeExchangeServer.Seen s) {
        if (!TX_TOKEN.equals(s.query().get("access_token"))) {
            return new FakeExchangeServer.Answer(400, "application/json", "{\"error\": {\"message\": \"Invalid OAuth access token.\","
                    + " \"type\": \"OAuthException\", \"code\": 190}}");
        }
        if (!s.path().equals("/v9.0/303/threat_updates/") || !"100".equals(s.query().get("limit"))
                || !s.query().getOrDefault("fields", "").startsWith("indicator,type,last_updated,should_delete,descriptors{")) {
            return new FakeExchangeServer.Answer(400, "text/plain", "bad request " + s.path() + " " + s.query().keySet());
        }
        String start = s.query().get("start_time");
        String after = s.query().get("after");
        if (start == null && after == null) {
            return json("{\"data\": [" + txUpdate("HASH_PDQ", A, 1700000010, false, "MALICIOUS") + ", "
                    + txUpdate("HASH_URL", "https://x.example/", 1700000011, false, "MALICIOUS") + "],"
                    + " \"paging\": {\"cursors\": {\"before\": \"QQ\", \"after\": \"QUZU\"}, \"next\": \""
                    + "https://graph.facebook.com/v9.0/303/threat_updates/?access_token=" + TX_TOKEN + "&after=QUZU\"}}");
        }
        if (start == null && "QUZU".equals(after)) {
            return json("{\"data\": [" + txUpdate("HASH_PDQ", B, 1700000020, false, "MALICIOUS") + ", "
                    + txUpdate("HASH_PDQ", C, 1700000021, false, "NON_MALICIOUS") + "], \"paging\": {}}");
        }
        if ("1700000021".equals(start) && after == null) {
            return json("{\"data\": [" + txUpdate("HASH_PDQ", A, 1700000030, true, null) + "]}");
        }
        return json("{\"data\": []}");
    }

    @Test
    void threatexchange_pages_by_cursor_resumes_from_the_newest_update_and_a_tombstone_removes_the_entry() {
        fake.handler = this::threatUpdates;
        HmaHttp.Answer creds = admin.json("POST", "/c/exchanges/api/fb_threatexchange", "{\"credential_json\": {\"api_token\": \""
                + TX_TOKEN + "\", \"base_url_override\": \"" + fake.base() + "/v9.0\"}}");
        assertThat(creds.status()).as(creds.body()).isEqualTo(200);
        assertThat(admin.get("/c/exchanges/api/fb_threatexchange/schema").body()).contains("privacy_group");
        HmaHttp.Answer created = admin.json("POST", "/c/exchanges", "{\"bank\": \"TX\", \"api\": \"fb_threatexchange\","
                + " \"api_json\": {\"privacy_group\": \"303\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        JsonNode first = fetchNow("TX");
        assertThat(first.path("succeeded").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.path("pages").asInt()).isEqualTo(2);
        assertThat(first.path("added").asLong()).as("A and B; the URL is not a hash, C is called non-malicious").isEqualTo(2);
        assertThat(rawMatches(A)).isEqualTo(1);
        assertThat(rawMatches(B)).isEqualTo(1);
        assertThat(rawMatches(C)).isZero();
        assertThat(status("TX").path("checkpoint_ts").asLong()).isEqualTo(1700000021L);

        // resumed from the newest update seen (also after a restart): the tombstone removes A
        stop();
        fake = new FakeExchangeServer();
        fake.handler = this::threatUpdates;
        open();
        admin.json("POST", "/c/exchanges/api/fb_threatexchange", "{\"credential_json\": {\"api_token\": \""
                + TX_TOKEN + "\", \"base_url_override\": \"" + fake.base() + "/v9.0\"}}");
        JsonNode second = fetchNow("TX");
        assertThat(second.path("removed").asLong()).as(second.toString()).isEqualTo(1);
        assertThat(rawMatches(A)).isZero();
        assertThat(rawMatches(B)).isEqualTo(1);

        // a refused token: a readable failure that never shows the token
        admin.json("POST", "/c/exchanges/api/fb_threatexchange", "{\"credential_json\": {\"api_token\": \""
                + "987654321|zyxwvutsrqponmlkjihgfedcba543210" + "\", \"base_url_override\": \"" + fake.base() + "/v9.0\"}}");
        JsonNode refused = fetchNow("TX");
        assertThat(refused.path("succeeded").asBoolean()).isFalse();
        assertThat(refused.path("message").asText()).isEqualTo("ThreatExchange refused the request (HTTP 400): check the app token and that the app is a member of privacy group 303");
        assertThat(status("TX").path("last_fetch_succeeded").asBoolean()).isFalse();
        assertThat(status("TX").toString()).doesNotContain("zyxwvuts").doesNotContain("abcdefghij");
    }

    @Test
    void a_refused_credential_gives_a_readable_failed_status() {
        fake.handler = this::stopNcii;
        stopNciiExchange("wrong-key");
        JsonNode out = fetchNow("SNCII");
        assertThat(out.path("succeeded").asBoolean()).isFalse();
        JsonNode st = status("SNCII");
        assertThat(st.path("last_fetch_succeeded").asBoolean()).isFalse();
        assertThat(st.path("up_to_date").asBoolean()).isFalse();
        assertThat(st.path("last_error").asText()).isEqualTo("StopNCII refused the credentials (HTTP 401)");
        assertThat(st.path("fetched_items").asLong()).isZero();
        assertThat(st.toString()).doesNotContain("wrong-key");
    }

    static final String NS = "xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\"";

    FakeExchangeServer.Answer ncmec(FakeExchangeServer.Seen s) {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ncmec-user:ncmec-pass".getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(s.headers().get("authorization"))) return new FakeExchangeServer.Answer(401, "text/plain", "");
        if (!s.path().equals("/hashsharing/v2/entries")) return new FakeExchangeServer.Answer(404, "text/plain", "");
        String xml;
        if ("1970-01-01T00:00:00Z".equals(s.query().get("from")) && s.query().get("start") == null) {
            xml = "<queryResult " + NS + "><images count=\"2\" maxTimestamp=\"2017-10-24T15:10:00Z\">"
                    + "<image><member id=\"42\">Example Member</member><timestamp>2017-10-24T15:00:00Z</timestamp><id>image1</id>"
                    + "<classification>A1</classification><fingerprints><md5>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</md5>"
                    + "<sha1>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</sha1><pdq>" + A + "</pdq></fingerprints></image>"
                    + "<image><member id=\"42\">Example Member</member><id>image2</id><fingerprints><pdq>" + B + "</pdq></fingerprints></image>"
                    + "<image><member id=\"7\">Other ESP</member><id>image9</id><fingerprints><pdq>" + C + "</pdq></fingerprints></image>"
                    + "</images><videos count=\"0\"/><paging><next>/v2/entries?from=1970-01-01T00%3A00%3A00.000Z&amp;to=x&amp;start=3&amp;size=3&amp;max=5</next></paging></queryResult>";
        } else if ("3".equals(s.query().get("start"))) {
            xml = "<queryResult " + NS + "><images count=\"1\" maxTimestamp=\"2017-10-24T15:10:00Z\">"
                    + "<deletedImage><member id=\"42\">Example Member</member><id>image1</id><timestamp>2017-10-24T15:10:00Z</timestamp></deletedImage>"
                    + "</images><videos count=\"1\" maxTimestamp=\"2017-10-24T15:20:00Z\"><video><member id=\"42\">Example Member</member>"
                    + "<id>video1</id><fingerprints><md5>b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1</md5></fingerprints></video></videos></queryResult>";
        } else {
            xml = "<queryResult " + NS + "><images count=\"0\"/><videos count=\"0\"/></queryResult>";
        }
        return new FakeExchangeServer.Answer(200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" + xml);
    }

    @Test
    void ncmec_follows_next_applies_deleted_entries_and_filters_by_esp() {
        fake.handler = this::ncmec;
        assertThat(admin.json("POST", "/c/exchanges/api/ncmec", "{\"credential_json\": {\"user\": \"ncmec-user\", \"password\": \"ncmec-pass\"}}")
                .status()).isEqualTo(200);
        JsonNode schema = admin.get("/c/exchanges/api/ncmec/schema").json();
        assertThat(schema.path("config_schema").path("fields").get(0).path("name").asText()).isEqualTo("environment");
        assertThat(schema.path("credentials_schema").path("fields").findValuesAsText("name")).containsExactly("user", "password");
        assertThat(admin.json("POST", "/c/exchanges", "{\"bank\": \"NCMEC_X\", \"api\": \"ncmec\", \"api_json\": {\"environment\": \"nowhere\"}}")
                .message()).startsWith("Failed to parse `api_json`");
        HmaHttp.Answer created = admin.json("POST", "/c/exchanges", "{\"bank\": \"NCMEC_X\", \"api\": \"ncmec\", \"api_json\": {\"environment\": \""
                + fake.base() + "/hashsharing\", \"only_esp_ids\": [42]}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(admin.get("/c/exchange/NCMEC_X").json().path("only_esp_ids").asText()).isEqualTo("42");
        JsonNode out = fetchNow("NCMEC_X");
        assertThat(out.path("pages").asInt()).as(out.toString()).isEqualTo(2);

        JsonNode st = status("NCMEC_X");
        assertThat(st.path("last_fetch_succeeded").asBoolean()).as(st.toString()).isTrue();
        assertThat(st.path("fetched_items").asLong()).isEqualTo(2); // image2 and video1; image1 deleted; ESP 7 left out
        assertThat(rawMatches(A)).isZero();
        assertThat(rawMatches(B)).isEqualTo(1);
        assertThat(rawMatches(C)).isZero();
        assertThat(fake.seen.get(1).query().get("start")).isEqualTo("3");

        // a paging URL NCMEC gave more than 12 hours ago has expired: the range is asked again from its start
        long old = Instant.now().getEpochSecond() - 13 * 3600;
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE exchanges SET checkpoint = :cp WHERE name = 'NCMEC_X'")
                .bind("cp", "0|" + old + "|/v2/entries?start=3&size=3|" + old).execute());
        int seenBefore = fake.seen.size();
        assertThat(fetchNow("NCMEC_X").path("succeeded").asBoolean()).isTrue();
        FakeExchangeServer.Seen again = fake.seen.get(seenBefore);
        assertThat(again.query().get("from")).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(again.query()).doesNotContainKey("start");
        // the same records again change nothing
        assertThat(status("NCMEC_X").path("fetched_items").asLong()).isEqualTo(2);
        assertThat(rawMatches(B)).isEqualTo(1);
    }

    @Test
    void a_file_exchange_follows_its_file_and_a_sudden_flood_puts_the_bank_in_observe_mode() {
        StringBuilder file = new StringBuilder("# test list\npdq " + A + "\npdq " + B + " extra words\n");
        fake.handler = s -> new FakeExchangeServer.Answer(200, "text/plain", file.toString());
        assertThat(admin.json("POST", "/c/exchanges", "{\"bank\": \"FILEX\", \"api\": \"file\", \"api_json\": {\"url\": \""
                + fake.base() + "/list.txt\"}}").status()).isEqualTo(201);
        assertThat(admin.get("/c/exchanges/api/file").json().path("supports_authentification").asBoolean()).isFalse();
        assertThat(admin.get("/c/exchanges").json().findValuesAsText("")).isEmpty();
        assertThat(admin.get("/c/exchanges").json().get(0).asText()).isEqualTo("FILEX");
        assertThat(fetchNow("FILEX").path("added").asLong()).isEqualTo(2);
        assertThat(server.send("PATCH", "/api/v1/banks/FILEX", adminToken, "application/json", "{\"mode\": \"enforce\"}", null).status())
                .isEqualTo(200);
        assertThat(admin.get("/m/lookup?signal_type=pdq&signal=" + A).json().has("FILEX")).isTrue();

        file.setLength(0);
        file.append("pdq ").append(B).append('\n');
        assertThat(fetchNow("FILEX").path("removed").asLong()).isEqualTo(1);
        assertThat(rawMatches(A)).isZero();
        assertThat(rawMatches(B)).isEqualTo(1);

        for (int i = 0; i < 30; i++) file.append("pdq ").append(random(100 + i)).append('\n');
        JsonNode flood = fetchNow("FILEX");
        assertThat(flood.path("added").asLong()).isEqualTo(30);
        assertThat(flood.path("message").asText()).startsWith("flood control");
        assertThat(server.get("/api/v1/banks/FILEX", adminToken).json().path("mode").asText()).isEqualTo("observe");
        assertThat(status("FILEX").path("last_error").asText()).startsWith("flood control");
    }

    @Test
    void an_endpoint_other_than_the_listed_ones_is_refused_unless_the_admin_allowed_custom_endpoints(
            @TempDir Path plain) {
        try (TestServer s = new TestServer(Config.defaults().with("data.dir", plain).with("ingest.workers", 0))) {
            HmaHttp hma = new HmaHttp(s.base, s.token("admin", Scope.ADMIN));
            assertThat(hma.json("POST", "/c/exchanges/api/ncmec", "{\"credential_json\": {\"user\": \"u\", \"password\": \"p\"}}")
                    .status()).isEqualTo(200);
            // the sealed password would be sent to whatever endpoint is configured
            HmaHttp.Answer refused = hma.json("POST", "/c/exchanges", "{\"bank\": \"NCMEC_Y\", \"api\": \"ncmec\","
                    + " \"api_json\": {\"environment\": \"https://collector.example/hashsharing\"}}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.message()).contains("must be one of");
            assertThat(hma.json("POST", "/c/exchanges", "{\"bank\": \"NCMEC_Y\", \"api\": \"ncmec\","
                    + " \"api_json\": {\"environment\": \"https://report.cybertip.org/hashsharing\"}}").status()).isEqualTo(201);
        }
    }

    @Test
    void a_stop_ncii_base_url_override_is_refused_unless_the_admin_allowed_custom_endpoints(@TempDir Path plain) {
        try (TestServer s = new TestServer(Config.defaults().with("data.dir", plain).with("ingest.workers", 0))) {
            HmaHttp hma = new HmaHttp(s.base, s.token("admin", Scope.ADMIN));
            // the subscription key would be sent to whatever base URL is configured
            HmaHttp.Answer refused = hma.json("POST", "/c/exchanges/api/stop_ncii", "{\"credential_json\": {\"fetch_function_key\": \"f\","
                    + " \"subscription_key\": \"s\", \"base_url_override\": \"https://collector.example/v1/\"}}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.message()).contains("base_url_override").contains("exchanges.allow_custom_endpoints");
            assertThat(hma.get("/c/exchanges/api/stop_ncii").json().path("has_set_authentification").asBoolean()).isFalse();
            // a blank override is no override
            assertThat(hma.json("POST", "/c/exchanges/api/stop_ncii", "{\"credential_json\": {\"fetch_function_key\": \"f\","
                    + " \"subscription_key\": \"s\", \"base_url_override\": \"\"}}").status()).isEqualTo(200);
        }
    }
}
