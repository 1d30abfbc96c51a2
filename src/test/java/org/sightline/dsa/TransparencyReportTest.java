package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #16: the transparency report's counts on a known set of cases, as JSON, page and CSV. */
class TransparencyReportTest {
    @TempDir
    Path data;
    DsaFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void the_report_counts_a_known_set_of_cases() throws Exception {
        f = new DsaFixture(data, "review", "dsa.transparency_public", true);
        User mia = f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        String bot = f.server.token("bot", Scope.REVIEW);
        ReviewService review = f.server.deps.review();
        long a = f.scan("6001", "acct6001");
        review.confirm(f.caseId(a), mia, new ReviewService.Confirm(List.of("spam"), null, List.of("account_silence"), null));
        long b = f.scan("6002", "acct6002");
        review.confirm(f.caseId(b), mia, new ReviewService.Confirm(List.of("csam"), null,
                List.of("delete", "account_suspend"), null));
        long c = f.scan("6003", "acct6003");
        f.server.deps.actionQueue().request(c, null, "account_action", "{\"type\":\"sensitive\"}", "sightline", Instant.now());
        DsaFixture.await("actions done", () -> f.state(a, "account_action").equals("done")
                && f.state(c, "account_action").equals("done"));
        assertThat(f.server.postJson("/api/v1/cases/" + f.caseId(c) + "/decision", bot,
                "{\"decision\":\"dismiss\",\"reason\":\"harmless\"}").status()).isEqualTo(200);
        long d = f.scan("6004", "acct6004");
        review.escalate(f.caseId(d), mia, "unsure");
        // a: appealed and overturned; b's delete: appealed and upheld
        f.appeal(f.onlyStatement(a).get("appeal_url").asText(), "not spam");
        JsonNode delete = f.statements(b).stream().filter(s -> s.get("action").asText().equals("delete")).findFirst().orElseThrow();
        f.appeal(delete.get("appeal_url").asText(), "not that");
        for (JsonNode appeal : f.server.get("/api/v1/appeals?state=open", bot).json().get("appeals")) {
            boolean overturn = appeal.get("media").asLong() == a;
            assertThat(f.server.postJson("/api/v1/appeals/" + appeal.get("id").asLong() + "/decision", bot,
                    "{\"outcome\":\"" + (overturn ? "overturned" : "upheld") + "\",\"reason\":\"checked\"}").status())
                    .isEqualTo(200);
        }
        // fixed times: all four seen at t0; first actions after 10, 20 and 30 s; d only decided (escalated) at 1000 s
        Instant t0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        long[] media = {a, b, c, d};
        int[] firstAt = {10, 20, 30, 0};
        for (int i = 0; i < 4; i++) {
            long m = media[i];
            int k = firstAt[i];
            f.server.deps.database().jdbi().useHandle(h -> {
                h.createUpdate("UPDATE media SET created_at = :t WHERE id = :m").bind("t", t0).bind("m", m).execute();
                h.createUpdate("UPDATE cases SET decided_at = :t WHERE media_id = :m").bind("t", t0.plusSeconds(1000))
                        .bind("m", m).execute();
                h.createUpdate("UPDATE action_requests SET created_at = :t WHERE media_id = :m")
                        .bind("t", t0.plusSeconds(k)).bind("m", m).execute();
            });
        }

        TestServer.Response r = f.server.get("/api/v1/transparency", f.admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode t = r.json();
        assertThat(t.get("statements").asLong()).isEqualTo(4);
        assertThat(t.get("by_label").toString()).isEqualTo("{\"csam\":2,\"spam\":2}");
        assertThat(t.get("by_category").toString()).isEqualTo(
                "{\"STATEMENT_CATEGORY_PROTECTION_OF_MINORS\":2,\"STATEMENT_CATEGORY_SCAMS_AND_FRAUD\":2}");
        assertThat(t.get("by_source").toString()).isEqualTo("{\"bank\":4}");
        assertThat(t.get("by_automation").toString()).isEqualTo(
                "{\"AUTOMATED_DECISION_FULLY\":1,\"AUTOMATED_DECISION_PARTIALLY\":3}");
        assertThat(t.get("actions").toString()).isEqualTo("{\"account_action:sensitive\":1,\"account_action:silence\":1,"
                + "\"account_action:suspend\":1,\"delete\":1}");
        assertThat(t.get("case_decisions").toString()).isEqualTo("{\"confirm\":2,\"dismiss\":1,\"escalate\":1}");
        assertThat(t.get("appeals").get("received").asLong()).isEqualTo(2);
        assertThat(t.get("appeals").get("upheld").asLong()).isEqualTo(1);
        assertThat(t.get("appeals").get("overturned").asLong()).isEqualTo(1);
        assertThat(t.get("median_first_action_seconds").asLong()).isEqualTo(20);
        assertThat(t.get("median_appeal_resolution_seconds").isNumber()).isTrue();
        JsonNode suspect = t.get("overturn_rate").get("bank:suspect");
        assertThat(suspect.get("statements").asLong()).isEqualTo(4);
        assertThat(suspect.get("overturned").asLong()).isEqualTo(1);
        assertThat(suspect.get("rate").asDouble()).isEqualTo(0.25);
        assertThat(t.get("submitted_to_tdb").asLong()).isZero();
        long weeks = 0;
        for (JsonNode w : t.get("per_week")) weeks += w.asLong();
        assertThat(weeks).isEqualTo(4);
        // the dashboard measures the same: media seen → first decision or action
        assertThat(f.server.deps.dashboard().figures(mia).firstActionP50()).isEqualTo(Duration.ofSeconds(20));
        // a period without any of it
        assertThat(f.server.get("/api/v1/transparency?from=2001-01-01&to=2001-12-31", f.admin).json()
                .get("statements").asLong()).isZero();
        assertThat(f.server.get("/api/v1/transparency?from=nonsense", f.admin).status()).isEqualTo(400);

        // the public page (dsa.transparency_public) with its server-rendered charts, and the CSV
        DsaFixture.Page page = f.get("/transparency", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"t-statements\">4<").contains("<svg").contains("id=\"t-first-action\">20 s<");
        TestServer.Response csv = f.server.send("GET", "/transparency.csv", null, null, null, null);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).contains("appeals,overturned,1\r\n").contains("by_source,bank,4\r\n")
                .contains("median,first_action_seconds,20\r\n");
    }

    @Test
    void the_page_is_for_logged_in_users_unless_made_public() {
        f = new DsaFixture(data, "review");
        DsaFixture.Page page = f.get("/transparency", null, null);
        assertThat(page.status()).isEqualTo(302);
        assertThat(f.server.get("/api/v1/transparency", null).status()).isEqualTo(401);
    }
}
