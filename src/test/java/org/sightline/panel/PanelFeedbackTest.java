package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.config.Config;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the panel tells people: refused forms keep what was typed, a welcome after an invitation, the queue's size. */
class PanelFeedbackTest {
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path data;
    TestServer server;
    PanelClient ada;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        ada.get("/queue");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_refused_bank_entry_form_comes_back_with_the_lines_note_and_labels_typed() {
        PanelFixtures.banks(server);
        String lines = "pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\npdq not-a-hash";
        PanelClient.Page r = ada.postForm("/banks/known-bad/entries", "lines", lines, "note", "from the forum thread",
                "label", "spam", "label", "privacy");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("id=\"bank-error\"").contains("entry 2");
        assertThat(r.body()).contains(">pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\npdq not-a-hash</textarea>")
                .contains("value=\"from the forum thread\"")
                .contains("value=\"privacy\" checked").contains("value=\"spam\" checked")
                .doesNotContain("value=\"csam\" checked");
        assertThat(server.deps.banks().countActive(server.deps.banks().get("known-bad").id())).isEqualTo(1);
    }

    @Test
    void a_refused_new_bank_keeps_its_name_kind_and_labels() {
        PanelFixtures.banks(server);
        PanelClient.Page r = ada.postForm("/banks", "name", "known-bad", "kind", "allow", "policy", "review",
                "mode", "observe", "label", "spam");
        assertThat(r.status()).isIn(400, 409);
        assertThat(r.body()).contains("id=\"banks-error\"").contains("value=\"known-bad\"")
                .contains("<option selected>allow</option>").contains("<option selected>observe</option>")
                .contains("value=\"spam\" checked");
    }

    @Test
    void an_accepted_invitation_lands_on_a_welcome_with_the_name_filled_in() {
        String link = server.deps.users().invite(Role.MODERATOR, "ada", java.time.Duration.ofDays(1));
        PanelClient nia = new PanelClient(server.base);
        nia.get("/invite/" + link);
        PanelClient.Page accepted = nia.postForm("/invite/" + link, "username", "nia", "password", "nias long password",
                "confirm_password", "nias long password");
        assertThat(accepted.status()).isIn(302, 303);
        assertThat(accepted.location()).isEqualTo("/login?welcome=1&username=nia");
        PanelClient.Page login = nia.get(accepted.location());
        assertThat(login.body()).contains("id=\"welcome\"").contains("Your account is ready")
                .contains("value=\"nia\"");
        assertThat(nia.get("/login").body()).doesNotContain("id=\"welcome\"");
    }

    @Test
    void the_dashboard_charts_the_queue_size_with_todays_waiting_cases() {
        PanelFixtures.banks(server);
        List<Long> ids = PanelFixtures.cases(server, 3);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
        mia.get("/cases/" + ids.get(0));
        assertThat(mia.postForm("/cases/" + ids.get(0) + "/dismiss", "reason", "harmless").status()).isIn(302, 303);
        String page = mia.get("/").body();
        String chart = page.substring(page.indexOf("id=\"queue-chart\""), page.indexOf("</figure>", page.indexOf("id=\"queue-chart\"")));
        assertThat(chart).contains("aria-label=\"Cases waiting at the end of each day (UTC)\"");
        assertThat(chart.split("<rect", -1)).hasSize(8); // one bar a day
        String table = page.substring(page.indexOf("id=\"queue-sizes\""), page.indexOf("</table>", page.indexOf("id=\"queue-sizes\"")));
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(table).contains("<td>" + today + "</td><td class=\"num\">2</td>");
    }

    @Test
    void the_dashboard_charts_the_median_time_to_first_action_by_the_day_the_media_was_seen() {
        PanelFixtures.banks(server);
        List<Long> ids = PanelFixtures.cases(server, 2);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
        mia.get("/cases/" + ids.get(0));
        assertThat(mia.postForm("/cases/" + ids.get(0) + "/dismiss", "reason", "harmless").status()).isIn(302, 303);
        // seen 37 minutes before its decision; the other case has had no decision or action yet
        java.time.Instant seen = java.time.Instant.now().minus(java.time.Duration.ofMinutes(40)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long mediaId = PanelFixtures.mediaOf(server, ids.get(0));
        server.deps.database().jdbi().useHandle(h -> {
            h.createUpdate("UPDATE media SET created_at = :t WHERE id = :m").bind("t", seen).bind("m", mediaId).execute();
            h.createUpdate("UPDATE cases SET decided_at = :t WHERE id = :c").bind("t", seen.plus(java.time.Duration.ofMinutes(37)))
                    .bind("c", ids.get(0)).execute();
        });
        String page = mia.get("/").body();
        String chart = page.substring(page.indexOf("id=\"first-action-chart\""), page.indexOf("</figure>", page.indexOf("id=\"first-action-chart\"")));
        assertThat(chart).contains("aria-label=\"Median minutes to first action, by day seen (UTC)\"");
        assertThat(chart.split("<rect", -1)).hasSize(8); // one bar a day
        String table = page.substring(page.indexOf("id=\"first-action-per-day\""), page.indexOf("</table>", page.indexOf("id=\"first-action-per-day\"")));
        String day = java.time.LocalDate.ofInstant(seen, java.time.ZoneOffset.UTC).toString();
        assertThat(table).contains("<td>" + day + "</td><td class=\"num\">37</td>");
    }
}
