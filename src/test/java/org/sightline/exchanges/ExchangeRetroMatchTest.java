package org.sightline.exchanges;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.hma.HmaHttp;
import org.sightline.ingest.Webhooks;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an exchange adds is matched against the media of the last days, as a subscribed list's adds are: while
 * its bank observes, the late matches are only recorded; once it enforces, each opens a review case.
 */
class ExchangeRetroMatchTest {
    @TempDir
    Path dir;
    TestServer server;
    FakeExchangeServer fake;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (fake != null) fake.close();
    }

    private JsonNode scan(String token, String image) {
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\""
                + Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/" + image)) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private List<Map<String, Object>> cases(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT reason FROM cases WHERE media_id = :id")
                .bind("id", mediaId).mapToMap().list());
    }

    private long lateMatches(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM media_matches WHERE media_id = :id AND bank_name = 'FILEX'")
                .bind("id", mediaId).mapTo(Long.class).one());
    }

    @Test
    void an_exchanges_adds_match_recent_media_observed_first_then_as_review_cases_once_its_bank_enforces() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("classifier.local.enabled", false).with("exchanges.allow_custom_endpoints", true));
        String admin = server.token("admin", Scope.ADMIN);
        String scanner = server.token("scanner", Scope.SCAN);
        HmaHttp hma = new HmaHttp(server.base, admin);
        fake = new FakeExchangeServer();

        JsonNode first = scan(scanner, "pytx/rgb.jpeg");
        JsonNode second = scan(scanner, "bridge-mods/aaa-orig.jpg");
        assertThat(cases(first.get("id").asLong())).isEmpty();

        StringBuilder file = new StringBuilder("pdq " + first.get("signals").get("pdq").asText() + "\n");
        fake.handler = s -> new FakeExchangeServer.Answer(200, "text/plain", file.toString());
        assertThat(hma.json("POST", "/c/exchanges", "{\"bank\": \"FILEX\", \"api\": \"file\", \"api_json\": {\"url\": \""
                + fake.base() + "/list.txt\"}}").status()).isEqualTo(201);

        // a new exchange's bank observes: the late match is recorded, nobody is asked to review
        HmaHttp.Answer observed = hma.send("POST", "/api/v1/exchanges/FILEX/fetch", null, null);
        assertThat(observed.status()).as(observed.body()).isEqualTo(200);
        assertThat(observed.json().path("added").asLong()).isEqualTo(1);
        assertThat(observed.json().path("matched_late").asInt()).isEqualTo(1);
        assertThat(lateMatches(first.get("id").asLong())).isEqualTo(1);
        assertThat(cases(first.get("id").asLong())).isEmpty();

        // enforcing, the next add that matches recent media opens a case for it
        assertThat(server.send("PATCH", "/api/v1/banks/FILEX", admin, "application/json", "{\"mode\": \"enforce\"}", null)
                .status()).isEqualTo(200);
        file.append("pdq ").append(second.get("signals").get("pdq").asText()).append('\n');
        JsonNode enforced = hma.send("POST", "/api/v1/exchanges/FILEX/fetch", null, null).json();
        assertThat(enforced.path("added").asLong()).isEqualTo(1);
        assertThat(enforced.path("matched_late").asInt()).isEqualTo(1);
        List<Map<String, Object>> opened = cases(second.get("id").asLong());
        assertThat(opened).hasSize(1);
        assertThat(String.valueOf(opened.get(0).get("reason"))).startsWith("retroactive");
    }
}
