package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;
import org.sightline.review.CaseDao;
import org.sightline.review.CaseRecord;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account's earlier cases across cases: they raise the risk score of its next media, are listed on the case
 * page and by {@code GET /api/v1/accounts/{instance}/{account}/history}, and feed the dashboard's
 * repeat-offender rate.
 */
class AccountHistoryTest {
    @TempDir
    Path data;
    TestServer server;

    String pgUrl;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    private JsonNode scan(String token, String status, String account) {
        String b64 = Base64.getEncoder().encodeToString(PanelFixtures.resource(PanelFixtures.IMAGE));
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + b64
                + "\",\"instance\":\"social\",\"status\":\"" + status + "\",\"account\":\"" + account + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private long caseOf(JsonNode scan) {
        return server.deps.database().jdbi().onDemand(CaseDao.class).forMedia(scan.get("id").asLong())
                .map(CaseRecord::id).orElseThrow();
    }

    @Test
    void an_accounts_confirmed_case_raises_its_next_risk_and_shows_in_its_history() {
        history(Config.defaults().with("data.dir", data));
    }

    @Test
    void the_same_on_postgresql() {
        pgUrl = TestDatabases.createPostgresSchema();
        history(Config.defaults().with("data.dir", data).with("db.url", pgUrl).with("db.user", TestDatabases.PG_USER));
    }

    private void history(Config config) {
        server = new TestServer(config);
        PanelFixtures.banks(server);
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                "secret-0123456789abcdef", null, null, null, null));
        String token = server.token("scanner", Scope.SCAN);
        String admin = server.token("admin", Scope.ADMIN);
        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", "correct horse battery");

        JsonNode first = scan(token, "s1", "alice");
        // matched bank known-bad at distance 0: 50 points, nothing else yet
        assertThat(first.get("risk").get("score").asInt()).isEqualTo(50);
        scan(token, "s2", "bob");
        mia.get("/cases/" + caseOf(first)); // opening a case claims it
        assertThat(mia.postForm("/cases/" + caseOf(first) + "/confirm", "label", "spam").status()).isIn(302, 303);

        // its own page counts only earlier cases: none, not "1 confirmed case" beside "No earlier case"
        assertThat(mia.get("/cases/" + caseOf(first)).body()).contains(": 0 confirmed cases")
                .contains("No earlier case of this account.");

        JsonNode second = scan(token, "s3", "alice");
        assertThat(second.get("risk").get("score").asInt()).isEqualTo(65);
        assertThat(second.get("risk").get("reasons").get(1).get("text").asText())
                .isEqualTo("1 earlier confirmed case of this account in the last 90 days");
        assertThat(second.get("risk").get("reasons").get(1).get("points").asInt()).isEqualTo(15);

        JsonNode history = server.get("/api/v1/accounts/social/alice/history", admin).json();
        assertThat(history.get("confirmed").asInt()).isEqualTo(1);
        assertThat(history.get("cases")).hasSize(2);
        assertThat(history.get("cases").get(1).get("decision").asText()).isEqualTo("confirm");
        assertThat(history.get("cases").get(1).get("labels").get(0).asText()).isEqualTo("spam");
        assertThat(server.get("/api/v1/accounts/social/alice/history", token).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/accounts/nowhere/alice/history", admin).status()).isEqualTo(404);

        String page = mia.get("/cases/" + caseOf(second)).body();
        assertThat(page).contains("id=\"risk-score\">65 / 100").contains("id=\"account-history\"")
                .contains("href=\"/cases/" + caseOf(first) + "\"").contains("1 confirmed case");

        // the queue shows each case's risk score and puts the higher first
        String risk = "title=\"risk score 0–100: the reasons are on the case page\">";
        assertThat(mia.get("/queue").body()).containsSubsequence(risk + "65<", risk + "50<");

        // confirmed: s1 (no earlier case), s3 (after s1): half are repeat offenders
        mia.get("/cases/" + caseOf(second));
        assertThat(mia.postForm("/cases/" + caseOf(second) + "/confirm", "label", "spam").status()).isIn(302, 303);
        assertThat(mia.get("/").body()).contains("id=\"repeat-offenders\">50 %");
    }
}
