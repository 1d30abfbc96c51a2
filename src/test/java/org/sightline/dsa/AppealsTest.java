package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.banks.BankEntry;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #16: an appeal sent on the public page becomes an appeal case; overturning undoes the restrictions on the
 * fake Mastodon and retracts the bank entry the decision added; upholding reverses nothing; the original decider
 * cannot decide the appeal; dismissing a case undoes its automatic actions.
 */
class AppealsTest {
    @TempDir
    Path data;
    DsaFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    /** A case confirmed by mia with an account action and its hash added to the bank {@code confirmed}. */
    private long confirmedWith(String status, String action) throws Exception {
        long media = f.scan(status, "acct" + status);
        User mia = f.server.deps.users().find("mia").orElseGet(() ->
                f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery"));
        f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of("spam"), "confirmed",
                List.of(action), "seen"));
        DsaFixture.await(action + " done", () -> f.state(media, "account_action").equals("done"));
        return media;
    }

    private List<BankEntry> entries(String bank) {
        List<BankEntry> out = new java.util.ArrayList<>();
        f.server.deps.banks().forEachEntry(bank, true, out::add);
        return out;
    }

    private JsonNode openAppeal(String token) {
        TestServer.Response r = f.server.get("/api/v1/appeals?state=open", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("appeals")).hasSize(1);
        return r.json().get("appeals").get(0);
    }

    @Test
    void an_overturned_appeal_unsilences_on_mastodon_retracts_the_entry_and_tells_the_person() throws Exception {
        f = new DsaFixture(data, "review");
        long media = confirmedWith("9001", "account_silence");
        assertThat(entries("confirmed")).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo("active"));
        String url = f.onlyStatement(media).get("appeal_url").asText();

        DsaFixture.Page sent = f.appeal(url, "This is a photo of my own bridge, not spam.");
        assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        assertThat(sent.body()).contains("id=\"appeal-sent\"").contains("id=\"appeal-open\"")
                .doesNotContain("<img");

        String bot = f.server.token("bot", Scope.REVIEW);
        JsonNode appeal = openAppeal(bot);
        assertThat(appeal.get("text").asText()).isEqualTo("This is a photo of my own bridge, not spam.");
        assertThat(appeal.get("original_decider").asText()).isEqualTo("mia");
        TestServer.Response d = f.server.postJson("/api/v1/appeals/" + appeal.get("id").asLong() + "/decision", bot,
                "{\"outcome\":\"overturned\",\"reason\":\"it is a bridge\"}");
        assertThat(d.status()).as(d.body()).isEqualTo(200);
        assertThat(d.json().get("state").asText()).isEqualTo("overturned");
        assertThat(d.json().get("undo").asText()).contains("account_action (done): undo requested")
                .contains("retracted");

        DsaFixture.await("unsilence done", () -> f.state(media, "undo_account_action").equals("done"));
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct9001/un")).singleElement()
                .satisfies(c -> assertThat(c.path()).isEqualTo("/api/v1/admin/accounts/acct9001/unsilence"));
        assertThat(entries("confirmed")).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo("retracted"));
        assertThat(f.onlyStatement(media).get("outcome").asText()).isEqualTo("overturned");
        // told through Mastodon too: a moderation warning without a restriction
        DsaFixture.await("outcome told", () -> f.state(media, "notify").equals("done"));
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct9001/action")).filteredOn(c -> "none".equals(c.one("type")))
                .singleElement().satisfies(c -> assertThat(c.one("text")).contains("overturned").contains("it is a bridge")
                        .contains(f.onlyStatement(media).get("puid").asText()));
        assertThat(f.get(url, null, null).body()).contains("id=\"appeal-outcome\"").contains("overturned")
                .contains("it is a bridge");
        assertThat(f.server.get("/api/v1/appeals?state=open", bot).json().get("appeals")).isEmpty();
        assertThat(f.server.deps.audit().search("token:bot", "appeal_overturned", null, Long.MAX_VALUE, 10)).hasSize(1);
        // decided once
        assertThat(f.server.postJson("/api/v1/appeals/" + appeal.get("id").asLong() + "/decision", bot,
                "{\"outcome\":\"upheld\",\"reason\":\"again\"}").status()).isEqualTo(409);
    }

    @Test
    void an_upheld_appeal_reverses_nothing() throws Exception {
        f = new DsaFixture(data, "review");
        long media = confirmedWith("9002", "account_suspend");
        f.appeal(f.onlyStatement(media).get("appeal_url").asText(), "please");
        String bot = f.server.token("bot", Scope.REVIEW);
        TestServer.Response d = f.server.postJson("/api/v1/appeals/" + openAppeal(bot).get("id").asLong()
                + "/decision", bot, "{\"outcome\":\"upheld\",\"reason\":\"it is spam\"}");
        assertThat(d.status()).as(d.body()).isEqualTo(200);
        Thread.sleep(500); // what an undo would need to reach the fake
        assertThat(f.state(media, "undo_account_action")).isEqualTo("none");
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct9002/un")).isEmpty();
        assertThat(entries("confirmed")).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo("active"));
        assertThat(f.onlyStatement(media).get("outcome").asText()).isEqualTo("upheld");
        DsaFixture.await("outcome told", () -> f.state(media, "notify").equals("done"));
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct9002/action")).filteredOn(c -> "none".equals(c.one("type")))
                .singleElement().satisfies(c -> assertThat(c.one("text")).contains("upheld"));
        assertThat(f.server.postJson("/api/v1/appeals/1/decision", bot, "{\"outcome\":\"maybe\",\"reason\":\"x\"}")
                .status()).isEqualTo(400);
    }

    @Test
    void a_token_that_decided_the_case_by_api_cannot_decide_its_appeal_and_another_one_unsuspends() throws Exception {
        f = new DsaFixture(data, "review");
        long media = f.scan("9003", "acct9003");
        String bot = f.server.token("bot", Scope.REVIEW);
        TestServer.Response c = f.server.postJson("/api/v1/cases/" + f.caseId(media) + "/decision", bot,
                "{\"decision\":\"confirm\",\"labels\":[\"spam\"],\"actions\":[\"account_suspend\"],\"reason\":\"spam wave\"}");
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        assertThat(c.json().get("state").asText()).isEqualTo("decided");
        assertThat(c.json().get("decided_by").asText()).isEqualTo("token:bot");
        DsaFixture.await("suspend done", () -> f.state(media, "account_action").equals("done"));
        f.appeal(f.onlyStatement(media).get("appeal_url").asText(), "not spam");
        long id = openAppeal(bot).get("id").asLong();

        TestServer.Response self = f.server.postJson("/api/v1/appeals/" + id + "/decision", bot,
                "{\"outcome\":\"overturned\",\"reason\":\"mine\"}");
        assertThat(self.status()).as(self.body()).isEqualTo(403);
        String other = f.server.token("other", Scope.REVIEW);
        assertThat(f.server.postJson("/api/v1/appeals/" + id + "/decision", other,
                "{\"outcome\":\"overturned\",\"reason\":\"not spam\"}").status()).isEqualTo(200);
        DsaFixture.await("unsuspend done", () -> f.state(media, "undo_account_action").equals("done"));
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct9003/unsuspend")).hasSize(1);
        // the scope is needed
        String scan = f.server.token("scanner", Scope.SCAN);
        assertThat(f.server.get("/api/v1/appeals", scan).status()).isEqualTo(403);
        assertThat(f.server.postJson("/api/v1/cases/" + f.caseId(media) + "/decision", scan, "{}").status())
                .isEqualTo(403);
        assertThat(f.server.postJson("/api/v1/cases/" + f.caseId(media) + "/decision", bot,
                "{\"decision\":\"confirm\",\"labels\":[\"spam\"]}").status()).isEqualTo(409);
    }

    @Test
    void dismissing_a_case_undoes_its_automatic_actions() throws Exception {
        f = new DsaFixture(data, "review");
        long media = f.scan("9004", "acct9004");
        f.server.deps.actionQueue().request(media, null, "account_action", "{\"type\":\"sensitive\"}", "sightline",
                Instant.now());
        f.server.deps.actions().wake();
        DsaFixture.await("sensitive done", () -> f.state(media, "account_action").equals("done"));
        String bot = f.server.token("bot", Scope.REVIEW);
        TestServer.Response c = f.server.postJson("/api/v1/cases/" + f.caseId(media) + "/decision", bot,
                "{\"decision\":\"dismiss\",\"reason\":\"harmless\"}");
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        DsaFixture.await("unsensitive done", () -> f.state(media, "undo_account_action").equals("done"));
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct9004/unsensitive")).hasSize(1);
    }

    @Test
    void an_overturned_delete_and_quarantine_are_listed_as_not_reversible() throws Exception {
        f = new DsaFixture(data, "review");
        long media = f.scan("9005", "acct9005");
        User mia = f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of("spam"), null,
                List.of("delete", "quarantine"), null));
        assertThat(f.statements(media)).hasSize(2);
        f.appeal(f.statements(media).get(0).get("appeal_url").asText(), "why");
        String bot = f.server.token("bot", Scope.REVIEW);
        TestServer.Response d = f.server.postJson("/api/v1/appeals/" + openAppeal(bot).get("id").asLong()
                + "/decision", bot, "{\"outcome\":\"overturned\",\"reason\":\"fine\"}");
        assertThat(d.status()).as(d.body()).isEqualTo(200);
        assertThat(d.json().get("undo").asText()).contains("delete (")
                .contains("quarantine (").contains("released when quarantine.retention_days runs out")
                .contains("told through Mastodon");
        assertThat(f.statements(media)).allSatisfy(s -> assertThat(s.get("outcome").asText()).isEqualTo("overturned"));
    }
}
