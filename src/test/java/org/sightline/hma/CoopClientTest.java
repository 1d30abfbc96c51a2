package org.sightline.hma;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calls ROOST Coop's {@code HmaService} (server/services/hmaService/index.ts) makes, made the way it makes them
 * (its default base URL ends in '/', so paths start with "//"; no credentials, from a trusted network; the bank's
 * {@code enabled_ratio} as a string), with the answers read the way it reads them.
 */
class CoopClientTest {
    static final String PDQ = HmaApiTest.PDQ;

    @TempDir
    static Path dir;
    static TestServer server;
    static MediaServer media;
    /** Coop's HMA_SERVICE_URL default has a trailing slash: every call goes to "//c/...", "//m/...". */
    static HmaHttp coop;

    @BeforeAll
    static void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("ingest.workers", 0).with("hma.trusted_networks", "10.0.0.0/8, 127.0.0.1/32"));
        media = new MediaServer();
        coop = new HmaHttp(server.base + "/", null);
    }

    @AfterAll
    static void stop() {
        server.close();
        media.close();
    }

    /** Coop's getHmaName: COOP_<ORG>_<NAME upper-cased, non-alphanumerics as single underscores>. */
    static String hmaName(String orgId, String name) {
        String normalized = name.toUpperCase().replaceAll("[^A-Z0-9_]", "_").replaceAll("_+", "_").replaceAll("^_|_$", "");
        return "COOP_" + orgId.toUpperCase() + "_" + normalized;
    }

    /** JavaScript's Number.prototype.toString for the ratios Coop sends. */
    static String jsNumber(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** createBank without an exchange: POST /c/banks {name, enabled_ratio: enabled_ratio.toString()}; fails unless ok. */
    static String createBank(String orgId, String name, double enabledRatio) {
        String hma = hmaName(orgId, name);
        HmaHttp.Answer r = coop.json("POST", "/c/banks",
                "{\"name\":\"" + hma + "\",\"enabled_ratio\":\"" + jsNumber(enabledRatio) + "\"}");
        assertThat(r.status() / 100).as("Failed to create HMA bank: " + r.body()).isEqualTo(2);
        r.json(); // handleResponseBody: 'as-json'
        return hma;
    }

    /** getBank's check: 404 means the bank is gone in HMA (Coop then deletes its own copy). */
    static boolean bankExists(String hma) {
        HmaHttp.Answer r = coop.get("/c/bank/" + hma);
        if (r.status() == 404) return false;
        assertThat(r.status() / 100).as("verify bank " + hma).isEqualTo(2);
        return true;
    }

    /** checkImageMatchWithDetails: lookupContent({signal, signalType}) then the banks whose entries are non-empty. */
    static List<String> matchedBanks(List<String> hmaBankIds, String signalType, String signal) {
        // URLSearchParams in Coop's order: url, content_type, signal_type, signal
        HmaHttp.Answer r = coop.get("/m/lookup?signal_type=" + enc(signalType) + "&signal=" + enc(signal));
        assertThat(r.status() / 100).as("Failed to lookup content: " + r.status()).isEqualTo(2);
        JsonNode matches = r.json();
        List<String> matched = new ArrayList<>();
        for (String bankId : hmaBankIds) {
            JsonNode bankMatches = matches.get(bankId);
            if (bankMatches != null && bankMatches.isArray() && bankMatches.size() > 0) {
                // BankMatch: {bank_content_id: number, distance: string}
                assertThat(bankMatches.get(0).path("bank_content_id").isIntegralNumber()).isTrue();
                assertThat(bankMatches.get(0).path("distance").isTextual()).isTrue();
                matched.add(bankId);
            }
        }
        return matched;
    }

    @Test
    void coops_bank_lifecycle_hashing_banking_and_matching_work_against_sightline() {
        String csam = createBank("1", "CSAM images", 1.0);
        // a ratio under 1 is a coin flip per lookup (HMA's sampling), so the banks matched here take 1 ("1" on the wire)
        String spam = createBank("1", "spam-memes!", 1.0);
        assertThat(csam).isEqualTo("COOP_1_CSAM_IMAGES");
        assertThat(spam).isEqualTo("COOP_1_SPAM_MEMES");
        assertThat(bankExists(csam)).isTrue();

        // listBanks: GET with a JSON content type and an as-json answer
        HmaHttp.Answer listed = coop.send("GET", "/c/bank/" + spam, "application/json", null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().path("name").asText()).isEqualTo(spam);

        // hashContentFromUrl: GET /h/hash?url=encodeURIComponent(url) → Record<string, string>
        String url = media.put("/media/bridge.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        HmaHttp.Answer hashed = coop.get("/h/hash?url=" + enc(url));
        assertThat(hashed.status()).isEqualTo(200);
        Map<String, String> hashes = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = hashed.json().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(e.getValue().isTextual()).isTrue();
            hashes.put(e.getKey(), e.getValue().asText());
        }
        assertThat(hashes).containsEntry("pdq", PDQ);

        // addContentToBank by URL: POST /c/bank/{name}/content?url=&content_id=&metadata= with no body
        HmaHttp.Answer added = coop.send("POST", "/c/bank/" + csam + "/content?url=" + enc(url) + "&content_id=item-1"
                + "&metadata=" + enc("{\"source\":\"coop\"}"), null, null);
        assertThat(added.status() / 100).as(added.body()).isEqualTo(2);
        long contentId = added.json().path("id").asLong(); // BankContentResponse {id: number, signals}
        assertThat(added.json().path("signals").path("pdq").asText()).isEqualTo(PDQ);

        // addContentToBank by file: FormData with the file under the content type's name
        HmaHttp.Answer uploaded = coop.multipart("/c/bank/" + spam + "/content", "photo",
                Webhooks.resource("/pdq/images/dih/bridge-5-flipx.jpg"), "content_id", "item-2");
        assertThat(uploaded.status() / 100).as(uploaded.body()).isEqualTo(2);

        assertThat(matchedBanks(List.of(csam, spam), "pdq", hashes.get("pdq"))).containsExactly(csam, spam);
        assertThat(coop.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().path(csam).get(0).path("bank_content_id").asLong())
                .isEqualTo(contentId);

        // updateBank, ratio only: PUT /c/bank/{hma_name} {enabled_ratio: number}
        HmaHttp.Answer ratio = coop.json("PUT", "/c/bank/" + spam, "{\"enabled_ratio\":0}");
        assertThat(ratio.status() / 100).isEqualTo(2);
        assertThat(matchedBanks(List.of(csam, spam), "pdq", PDQ)).containsExactly(csam);

        // updateBank with a new name: create the new bank, delete the old one
        String renamed = createBank("1", "csam v2", 1.0);
        assertThat(coop.delete("/c/bank/" + csam).status() / 100).isEqualTo(2);
        assertThat(bankExists(csam)).isFalse();
        assertThat(bankExists(renamed)).isTrue();

        // deleteBank: DELETE /c/bank/{hma_name}, ok expected
        assertThat(coop.delete("/c/bank/" + spam).status()).isEqualTo(200);
        assertThat(bankExists(spam)).isFalse();
        assertThat(matchedBanks(List.of(csam, spam, renamed), "pdq", PDQ)).isEmpty();

        // every change was audited, for the address it came from
        assertThat(server.deps.audit().search("network:127.0.0.1", "bank_create", null, Long.MAX_VALUE, 10)).hasSize(3);
        assertThat(server.deps.audit().search("network:127.0.0.1", "bank_remove", null, Long.MAX_VALUE, 10)).hasSize(2);
    }

    @Test
    void from_a_trusted_network_a_token_given_is_still_checked() {
        HmaHttp badToken = new HmaHttp(server.base, "stl_not-a-token");
        assertThat(badToken.get("/c/banks").status()).isEqualTo(401);
        HmaHttp reader = new HmaHttp(server.base, server.token("coop-reader", Scope.BANKS_READ));
        assertThat(reader.get("/c/banks").status()).isEqualTo(200);
        assertThat(reader.json("POST", "/c/banks", "{\"name\":\"NOT_WITH_READ\"}").status()).isEqualTo(403);
        assertThat(new HmaHttp(server.base, null).get("/c/banks").status()).isEqualTo(200);
    }

    @Test
    void coops_exchange_calls_work_against_sightline() {
        // getExchangeApis: the names, then each API's auth flags
        HmaHttp.Answer apis = coop.get("/c/exchanges/apis");
        assertThat(apis.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        apis.json().forEach(n -> names.add(n.asText()));
        assertThat(names).contains("stop_ncii", "ncmec", "file");
        for (String name : names) {
            JsonNode info = coop.get("/c/exchanges/api/" + enc(name)).json();
            assertThat(info.path("supports_authentification").isBoolean()).isTrue();
            assertThat(info.path("has_set_authentification").asBoolean()).isFalse();
        }

        // getExchangeApiSchema: {config_schema: {fields}, credentials_schema: {fields} | null}
        JsonNode schema = coop.get("/c/exchanges/api/stop_ncii/schema").json();
        assertThat(schema.path("config_schema").path("fields").isArray()).isTrue();
        JsonNode field = schema.path("credentials_schema").path("fields").get(0);
        assertThat(field.path("name").asText()).isEqualTo("fetch_function_key");
        assertThat(field.path("type").asText()).isEqualTo("string");
        assertThat(field.path("required").asBoolean()).isTrue();
        assertThat(field.has("default") && field.has("help") && field.has("choices")).isTrue();
        assertThat(coop.get("/c/exchanges/api/file/schema").json().path("credentials_schema").isNull()).isTrue();

        // setExchangeCredentials: POST /c/exchanges/api/{api} {credential_json}, body discarded, ok expected
        HmaHttp.Answer creds = coop.json("POST", "/c/exchanges/api/stop_ncii",
                "{\"credential_json\":{\"fetch_function_key\":\"f\",\"subscription_key\":\"s\"}}");
        assertThat(creds.status() / 100).isEqualTo(2);
        assertThat(coop.get("/c/exchanges/api/stop_ncii").json().path("has_set_authentification").asBoolean()).isTrue();

        // createBank with an exchange: POST /c/exchanges {bank, api, api_json}, then PUT the ratio when it is not 1
        String hma = hmaName("2", "shared list");
        String list = media.put("/lists/pdq.txt", ("pdq " + PDQ + "\n").getBytes(StandardCharsets.UTF_8));
        HmaHttp.Answer created = coop.json("POST", "/c/exchanges",
                "{\"bank\":\"" + hma + "\",\"api\":\"file\",\"api_json\":{\"url\":\"" + list + "\"}}");
        assertThat(created.status() / 100).as(created.body()).isEqualTo(2);
        assertThat(coop.json("PUT", "/c/bank/" + hma, "{\"enabled_ratio\":0.25}").status() / 100).isEqualTo(2);
        assertThat(bankExists(hma)).isTrue();

        // getExchangeForBank: the exchange (404 → none), its API's auth flag, its fetch status
        assertThat(coop.get("/c/exchange/" + enc("COOP_2_NOTHING")).status()).isEqualTo(404);
        JsonNode body = coop.get("/c/exchange/" + enc(hma)).json();
        assertThat(body.path("api").asText()).isEqualTo("file");
        assertThat(body.path("enabled").asBoolean()).isTrue();
        server.deps.exchanges().fetch(hma); // what the schedule does every exchanges.fetch_interval_s
        JsonNode status = coop.get("/c/exchange/" + enc(hma) + "/status").json();
        assertThat(status.path("last_fetch_succeeded").asBoolean()).isTrue();
        assertThat(status.path("up_to_date").asBoolean()).isTrue();
        assertThat(status.path("fetched_items").asLong()).isEqualTo(1);
        assertThat(status.path("running_fetch_start_ts").isNull()).isTrue();
        assertThat(status.path("last_fetch_complete_ts").isIntegralNumber()).isTrue();
    }
}
