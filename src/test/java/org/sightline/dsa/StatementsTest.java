package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.actions.ActionQueue;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #16: every restriction gets a statement of reasons in the Transparency Database's shape. */
class StatementsTest {
    @TempDir
    Path data;
    DsaFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void a_moderators_account_action_carries_its_statement_and_appeal_link_to_the_person() throws Exception {
        f = new DsaFixture(data, "review");
        long media = f.scan("8001", "acct8001");
        User mia = f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        f.server.deps.review().open(f.caseId(media), mia);
        f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of("spam"), null,
                List.of("account_silence"), "seen"));
        DsaFixture.await("silence done", () -> f.state(media, "account_action").equals("done"));

        JsonNode s = f.onlyStatement(media);
        assertThat(s.get("puid").asText()).matches("sl-[0-9a-f]{32}");
        assertThat(s.get("decision_visibility").get(0).asText()).isEqualTo("DECISION_VISIBILITY_CONTENT_DEMOTED");
        assertThat(s.get("decision_provision").asText()).isEqualTo("DECISION_PROVISION_PARTIAL_SUSPENSION");
        assertThat(s.get("decision_ground").asText()).isEqualTo("DECISION_GROUND_INCOMPATIBLE_CONTENT");
        assertThat(s.get("incompatible_content_ground").asText()).isEqualTo("the instance's rules");
        assertThat(s.get("category").asText()).isEqualTo("STATEMENT_CATEGORY_SCAMS_AND_FRAUD");
        assertThat(s.get("content_type").get(0).asText()).isEqualTo("CONTENT_TYPE_IMAGE");
        assertThat(s.get("source_type").asText()).isEqualTo("SOURCE_VOLUNTARY");
        assertThat(s.get("automated_detection").asText()).isEqualTo("Yes");
        assertThat(s.get("automated_decision").asText()).isEqualTo("AUTOMATED_DECISION_PARTIALLY");
        assertThat(s.get("decided_by").asText()).isEqualTo("mia");
        assertThat(s.get("case").asLong()).isEqualTo(f.caseId(media));
        assertThat(s.get("instance").asText()).isEqualTo("social");
        assertThat(s.get("account").asText()).isEqualTo("acct8001");
        assertThat(s.get("status").asText()).isEqualTo("8001");
        assertThat(s.get("decision_facts").asText()).contains("suspect").contains("confirmed it as spam")
                .doesNotContain("private note");
        String url = s.get("appeal_url").asText();
        assertThat(url).contains("/appeal/");
        assertThat(Instant.parse(s.get("appeal_deadline").asText())).isAfter(Instant.now().plusSeconds(179L * 86400));

        // the person is told through Mastodon: the account action's text with the appeal link, by email too
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct8001/action")).singleElement().satisfies(c -> {
            assertThat(c.one("type")).isEqualTo("silence");
            assertThat(c.one("text")).contains(s.get("puid").asText()).contains(url).contains("limited")
                    .contains("You can appeal until");
            assertThat(c.one("send_email_notification")).isEqualTo("true");
        });
        DsaFixture.await("delivery recorded", () -> f.onlyStatement(media).get("delivery").asText().startsWith("delivered"));
        // the token is stored hashed (and sealed), never in the clear
        String token = url.substring(url.lastIndexOf('/') + 1);
        long clear = f.server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM statements WHERE appeal_token_hash = :t OR appeal_token_sealed = :t")
                .bind("t", token).mapTo(Long.class).one());
        assertThat(clear).isZero();
        assertThat(f.server.deps.audit().search("mia", "statement_issue", "media:" + media, Long.MAX_VALUE, 10))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains(s.get("puid").asText()));
        assertThat(f.server.get("/api/v1/statements/" + s.get("puid").asText(), f.admin).json().get("puid").asText())
                .isEqualTo(s.get("puid").asText());
        assertThat(f.server.get("/api/v1/statements/sl-nope", f.admin).status()).isEqualTo(404);
    }

    @Test
    void an_automatic_restriction_gets_a_fully_automated_statement_and_a_report_gets_none() throws Exception {
        f = new DsaFixture(data, "review");
        long media = f.scan("8002", "acct8002");
        // as a bank policy allowing it would: Sightline requests it itself
        f.server.deps.actionQueue().request(media, null, "account_action", "{\"type\":\"suspend\"}", "sightline",
                Instant.now());
        f.server.deps.actionQueue().request(media, null, "report", null, "sightline", Instant.now());
        JsonNode s = f.onlyStatement(media);
        assertThat(s.get("decision_account").asText()).isEqualTo("DECISION_ACCOUNT_SUSPENDED");
        assertThat(s.get("decision_provision").asText()).isEqualTo("DECISION_PROVISION_TOTAL_SUSPENSION");
        assertThat(s.get("automated_decision").asText()).isEqualTo("AUTOMATED_DECISION_FULLY");
        assertThat(s.get("automated_detection").asText()).isEqualTo("Yes");
        assertThat(s.get("decision_facts").asText()).contains("automatically");
    }

    @Test
    void csam_maps_to_protection_of_minors_with_its_keyword() {
        f = new DsaFixture(data, "review");
        long media = f.scan("8003", "acct8003");
        User mia = f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of("csam"), null,
                List.of("delete"), null));
        JsonNode s = f.onlyStatement(media);
        assertThat(s.get("category").asText()).isEqualTo("STATEMENT_CATEGORY_PROTECTION_OF_MINORS");
        assertThat(s.get("category_specification").get(0).asText()).isEqualTo("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL");
        assertThat(s.get("decision_visibility").get(0).asText()).isEqualTo("DECISION_VISIBILITY_CONTENT_REMOVED");
    }

    @Test
    void the_export_passes_the_transparency_databases_validation_as_json_and_lists_every_statement_as_csv() {
        f = new DsaFixture(data, "mark_sensitive", "dsa.decision_ground", "illegal", "dsa.ground_text",
                "Section 184b StGB");
        User mia = f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        String[][] decisions = {{"csam", "account_suspend"}, {"ncii", "account_sensitive"}, {"terrorism", "delete"},
                {"hate_symbol", "quarantine"}, {"other", "account_silence"}};
        int i = 0;
        for (String[] d : decisions) {
            long media = f.scan("81" + i, "acct81" + i++); // the bank policy marks it sensitive: automatic
            f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of(d[0]), null,
                    List.of(d[1]), null));
        }
        TestServer.Response r = f.server.get("/api/v1/statements/export", f.admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode all = r.json().get("statements");
        assertThat(all).hasSize(10);
        for (JsonNode s : all) {
            assertThat(TdbSchema.violations(s)).as(s.toString()).isEmpty();
            assertThat(s.get("illegal_content_legal_ground").asText()).isEqualTo("Section 184b StGB");
            assertThat(s.has("case")).isFalse(); // the database's shape only
        }
        assertThat(all.findValuesAsText("automated_decision")).contains("AUTOMATED_DECISION_FULLY",
                "AUTOMATED_DECISION_PARTIALLY");
        // the validation itself refuses what the database refuses
        com.fasterxml.jackson.databind.node.ObjectNode broken = all.get(0).deepCopy();
        broken.put("category", "STATEMENT_CATEGORY_NONSENSE");
        broken.remove("decision_facts");
        broken.put("puid", "has spaces");
        broken.put("content_date", "29.11.2026");
        assertThat(TdbSchema.violations(broken)).hasSize(4);

        TestServer.Response csv = f.server.send("GET", "/api/v1/statements/export?format=csv", f.admin, null, null, null);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(11);
        assertThat(lines[0]).startsWith("puid,decision_visibility,decision_account");
        assertThat(f.server.get("/api/v1/statements?limit=3", f.admin).json().get("statements")).hasSize(3);
        assertThat(f.server.get("/api/v1/statements/export?format=xml", f.admin).status()).isEqualTo(400);
        String scan = f.server.token("scanner", org.sightline.access.Scope.SCAN);
        assertThat(f.server.get("/api/v1/statements", scan).status()).isEqualTo(403);
    }
}
