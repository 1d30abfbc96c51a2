package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.config.SecretBox;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #16: the optional Transparency Database client against a fake database: submitted, retried after a 5xx,
 * a 422 for a PUID the database already holds counted as submitted, another 422 failed with its message; the token
 * given sealed.
 */
class TdbSubmissionTest {
    @TempDir
    Path data;
    DsaFixture f;
    FakeTdb tdb;

    @AfterEach
    void stop() {
        if (f != null) f.close();
        if (tdb != null) tdb.close();
    }

    private JsonNode statement(String status) {
        long media = f.scan(status, "acct" + status);
        User mia = f.server.deps.users().find("mia").orElseGet(() ->
                f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery"));
        f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of("spam"), null,
                List.of("delete"), null));
        return f.onlyStatement(media);
    }

    private String tdbState(String puid) {
        return f.server.get("/api/v1/statements/" + puid, f.admin).json().get("tdb").get("state").asText();
    }

    @Test
    void statements_reach_the_database_with_retries_and_a_reused_puid_counts_as_submitted() throws Exception {
        tdb = new FakeTdb("tdb-secret-token");
        String sealed = SecretBox.forDataDir(data).seal("tdb-secret-token");
        f = new DsaFixture(data, "review", "dsa.tdb_url", tdb.url(), "dsa.tdb_token", sealed,
                "dsa.tdb_interval_s", 1);
        tdb.script(500);       // the first statement: a server error, then stored
        tdb.script(422);       // the second: refused for good
        JsonNode first = statement("5001");
        DsaFixture.await("first submitted", () -> tdbState(first.get("puid").asText()).equals("submitted"));
        JsonNode second = statement("5002");
        DsaFixture.await("second failed", () -> tdbState(second.get("puid").asText()).equals("failed"));

        JsonNode firstNow = f.server.get("/api/v1/statements/" + first.get("puid").asText(), f.admin).json();
        assertThat(firstNow.get("tdb").get("attempts").asInt()).isEqualTo(2);
        assertThat(firstNow.get("tdb").get("result").asText()).startsWith("HTTP 201 uuid=");
        JsonNode secondNow = f.server.get("/api/v1/statements/" + second.get("puid").asText(), f.admin).json();
        assertThat(secondNow.get("tdb").get("attempts").asInt()).isEqualTo(1);
        assertThat(secondNow.get("tdb").get("result").asText()).contains("HTTP 422").contains("category is invalid");
        // what arrived is the database's shape, with the token opened from its sealed form
        assertThat(tdb.calls).allSatisfy(c -> {
            assertThat(c.authorization()).isEqualTo("Bearer tdb-secret-token");
            assertThat(TdbSchema.violations(c.body())).isEmpty();
            assertThat(c.body().has("appeal_url")).isFalse();
        });

        // an answer lost after the database stored it: the retry's 422 on the PUID counts as submitted
        JsonNode third = statement("5003");
        String puid = third.get("puid").asText();
        DsaFixture.await("third submitted", () -> tdbState(puid).equals("submitted"));
        f.server.deps.database().jdbi().useHandle(h -> h.createUpdate(
                "UPDATE statements SET tdb_state = 'pending', tdb_next_at = NULL WHERE puid = :p").bind("p", puid).execute());
        DsaFixture.await("third resubmitted", () -> tdb.calls.stream().filter(c -> c.body().path("puid").asText()
                .equals(puid)).count() == 2 && tdbState(puid).equals("submitted"));
        assertThat(f.server.get("/api/v1/statements/" + puid, f.admin).json().get("tdb").get("result").asText())
                .contains("already in the database");
        assertThat(tdb.stored).hasSize(2);
        assertThat(f.server.get("/api/v1/transparency", f.admin).json().get("submitted_to_tdb").asLong()).isEqualTo(2);
        assertThat(f.server.deps.audit().search("sightline", "statement_submit", null, Long.MAX_VALUE, 10)).hasSize(4);
    }

    @Test
    void without_a_database_configured_nothing_is_submitted() {
        f = new DsaFixture(data, "review");
        JsonNode s = statement("5004");
        assertThat(s.get("tdb").get("state").asText()).isEqualTo("off");
    }
}
