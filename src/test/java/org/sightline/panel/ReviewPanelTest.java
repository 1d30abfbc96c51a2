package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.audit.AuditEvent;
import org.sightline.banks.BankEntry;
import org.sightline.config.Config;
import org.sightline.review.ReviewCase;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue, claims, the case page, reveal and the three decisions, over HTTP as a browser sends them. */
class ReviewPanelTest {
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path data;
    TestServer server;
    String pdq;
    PanelClient mia;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        pdq = PanelFixtures.banks(server);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        server.deps.users().create("max", Role.MODERATOR, PASSWORD);
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        mia = login("mia");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    PanelClient login(String name) {
        PanelClient c = new PanelClient(server.base);
        assertThat(c.login(name, PASSWORD).status()).isIn(302, 303);
        return c;
    }

    List<AuditEvent> audit(String action) {
        return server.deps.audit().search("", action, "", Long.MAX_VALUE, 100);
    }

    long countCases() {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM cases")
                .mapTo(Long.class).one());
    }

    @Test
    void the_queue_lists_open_cases_by_priority_then_age_and_filters_them() {
        List<Long> ids = PanelFixtures.cases(server, 3);
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE cases SET priority = priority + 50 WHERE id = :id")
                .bind("id", ids.get(2)).execute());
        String body = mia.get("/queue").body();
        int first = body.indexOf("data-case=\"" + ids.get(2) + "\"");
        int second = body.indexOf("data-case=\"" + ids.get(0) + "\"");
        int third = body.indexOf("data-case=\"" + ids.get(1) + "\"");
        assertThat(first).isPositive().isLessThan(second);
        assertThat(second).isLessThan(third);
        assertThat(mia.get("/queue?label=spam").body()).contains("data-case=\"" + ids.get(0) + "\"");
        assertThat(mia.get("/queue?label=csam").body()).doesNotContain("data-case=").contains("queue is empty");
        assertThat(mia.get("/queue?bank=known-bad").body()).contains("data-case=\"" + ids.get(1) + "\"");
        assertThat(mia.get("/queue?bank=other").body()).doesNotContain("data-case=");
        assertThat(mia.get("/queue?outcome=review").body()).contains("data-case=\"" + ids.get(1) + "\"");
        assertThat(mia.get("/queue?outcome=fetch_failed").body()).doesNotContain("data-case=");
        assertThat(mia.get("/queue?instance=nowhere").body()).doesNotContain("data-case=");
    }

    @Test
    void opening_a_case_claims_it_so_another_moderator_cannot_decide_it() {
        long id = PanelFixtures.cases(server, 1).get(0);
        assertThat(mia.get("/cases/" + id).body()).contains("id=\"confirm-form\"");
        ReviewCase c = server.deps.review().find(id).orElseThrow();
        assertThat(c.claimedByName()).isEqualTo("mia");
        assertThat(c.claimedUntil()).isAfter(java.time.Instant.now().plusSeconds(9 * 60));

        PanelClient max = login("max");
        assertThat(max.get("/queue").body()).contains("claimed by mia");
        PanelClient.Page seen = max.get("/cases/" + id);
        assertThat(seen.body()).contains("mia is working on this case").doesNotContain("id=\"confirm-form\"");
        assertThat(max.postForm("/cases/" + id + "/confirm", "label", "spam").status()).isEqualTo(409);
        assertThat(server.deps.review().find(id).orElseThrow().state().wireName()).isEqualTo("open");
        // /cases/next skips what others hold.
        assertThat(max.get("/cases/next").location()).isEqualTo("/queue?empty=1");

        // A lapsed claim can be taken over.
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE cases SET claimed_until = :t")
                .bind("t", java.time.Instant.now().minusSeconds(1)).execute());
        assertThat(max.get("/cases/" + id).body()).contains("id=\"confirm-form\"");
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "mine").status()).isEqualTo(409);
        assertThat(max.postForm("/cases/" + id + "/confirm", "label", "spam").status()).isIn(302, 303);
    }

    @Test
    void the_preview_is_served_from_the_database_and_reveal_is_audited() {
        long id = PanelFixtures.cases(server, 1).get(0);
        long media = PanelFixtures.mediaOf(server, id);
        PanelClient.Page page = mia.get("/cases/" + id);
        assertThat(page.body()).contains("src=\"/media/" + media + "/preview\"").doesNotContain("/reveal\"><");
        PanelClient.Page preview = mia.get("/media/" + media + "/preview");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.contentType()).isEqualTo("image/jpeg");
        assertThat(preview.raw().body()).startsWith((byte) 0xFF, (byte) 0xD8);
        assertThat(audit("reveal")).isEmpty();

        PanelClient.Page revealed = mia.postForm("/media/" + media + "/reveal");
        assertThat(revealed.status()).isEqualTo(200);
        assertThat(revealed.contentType()).isEqualTo("image/jpeg");
        assertThat(revealed.raw().body()).isNotEqualTo(preview.raw().body());
        List<AuditEvent> reveals = audit("reveal");
        assertThat(reveals).hasSize(1);
        assertThat(reveals.get(0).actor()).isEqualTo("mia");
        assertThat(reveals.get(0).target()).isEqualTo("media:" + media);
        assertThat(reveals.get(0).detail()).isEqualTo("case=" + id);
        assertThat(mia.get("/cases/" + id).body()).contains("mia: reveal");
        // A GET never reveals.
        assertThat(mia.get("/media/" + media + "/reveal").status()).isIn(404, 405);
    }

    @Test
    void confirm_records_labels_adds_the_hash_to_a_bank_and_queues_the_chosen_actions() {
        long id = PanelFixtures.cases(server, 1).get(0);
        mia.get("/cases/" + id);
        long before = server.deps.banks().countActive(server.deps.banks().get("known-bad").id());
        PanelClient.Page r = mia.postForm("/cases/" + id + "/confirm", "label", "spam", "label", "sexual",
                "bank", "known-bad", "action", "report", "action", "mark_sensitive", "share", "1", "note", "seen before");
        assertThat(r.status()).isIn(302, 303);
        assertThat(r.location()).isEqualTo("/cases/next?done=" + id);
        ReviewCase c = server.deps.review().find(id).orElseThrow();
        assertThat(c.state().wireName()).isEqualTo("decided");
        assertThat(c.decision()).isEqualTo("confirm");
        assertThat(c.decidedBy()).isEqualTo("mia");
        assertThat(server.deps.banks().countActive(server.deps.banks().get("known-bad").id())).isEqualTo(before + 1);
        List<BankEntry> entries = new ArrayList<>();
        server.deps.banks().forEachEntry("known-bad", false, entries::add);
        BankEntry added = entries.get(entries.size() - 1);
        assertThat(added.signalValue()).isEqualTo(pdq);
        assertThat(added.labelList()).containsExactly("spam", "sexual");
        assertThat(added.addedBy()).isEqualTo("mia");
        assertThat(server.deps.review().actions(c.mediaId())).extracting(a -> a.action())
                .containsExactlyInAnyOrder("report", "mark_sensitive", "share");
        AuditEvent e = audit("confirm").get(0);
        assertThat(e.target()).isEqualTo("case:" + id);
        assertThat(e.detail()).contains("labels=spam,sexual").contains("bank=known-bad").contains("note=seen before");
        // Decided cases leave the queue and cannot be decided again.
        assertThat(mia.get("/queue").body()).doesNotContain("data-case=\"" + id + "\"");
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "again").status()).isEqualTo(409);
    }

    @Test
    void confirm_needs_a_label_from_the_taxonomy() {
        long id = PanelFixtures.cases(server, 1).get(0);
        mia.get("/cases/" + id);
        assertThat(mia.postForm("/cases/" + id + "/confirm").status()).isEqualTo(400);
        assertThat(mia.postForm("/cases/" + id + "/confirm", "label", "bogus").status()).isEqualTo(400);
        assertThat(mia.postForm("/cases/" + id + "/confirm", "label", "spam", "bank", "known-good").status()).isEqualTo(400);
        assertThat(server.deps.review().find(id).orElseThrow().state().wireName()).isEqualTo("open");
    }

    @Test
    void dismiss_needs_a_reason_and_can_add_to_an_allow_bank_that_then_vetoes_the_image() {
        List<Long> ids = PanelFixtures.cases(server, 1);
        long id = ids.get(0);
        mia.get("/cases/" + id);
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "  ").status()).isEqualTo(400);
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "a meme", "allow_bank", "known-bad").status())
                .isEqualTo(400);
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "a meme", "allow_bank", "known-good").status())
                .isIn(302, 303);
        assertThat(server.deps.review().find(id).orElseThrow().decision()).isEqualTo("dismiss");
        assertThat(server.deps.banks().countActive(server.deps.banks().get("known-good").id())).isEqualTo(1);
        assertThat(audit("dismiss").get(0).detail()).isEqualTo("reason=a meme allow_bank=known-good");
        // The same image again: the allow-bank vetoes the match, so no new case opens.
        long casesBefore = countCases();
        try {
            PanelFixtures.cases(server, 1);
        } catch (AssertionError expected) {
            assertThat(expected.getMessage()).startsWith("no case for media");
        }
        assertThat(countCases()).isEqualTo(casesBefore);
    }

    @Test
    void escalated_cases_go_to_admins_who_decide_them() {
        long id = PanelFixtures.cases(server, 1).get(0);
        mia.get("/cases/" + id);
        assertThat(mia.postForm("/cases/" + id + "/escalate", "reason", "").status()).isEqualTo(400);
        assertThat(mia.postForm("/cases/" + id + "/escalate", "reason", "not sure: possibly csam").status()).isIn(302, 303);
        assertThat(server.deps.review().find(id).orElseThrow().state().wireName()).isEqualTo("escalated");
        assertThat(mia.get("/queue").body()).doesNotContain("data-case=\"" + id + "\"");
        assertThat(mia.postForm("/cases/" + id + "/confirm", "label", "csam").status()).isEqualTo(403);

        PanelClient ada = login("ada");
        assertThat(ada.get("/queue?state=escalated").body()).contains("data-case=\"" + id + "\"");
        assertThat(ada.get("/cases/" + id).body()).contains("id=\"confirm-form\"").contains("not sure: possibly csam");
        assertThat(ada.postForm("/cases/" + id + "/confirm", "label", "csam").status()).isIn(302, 303);
        assertThat(server.deps.review().find(id).orElseThrow().decision()).isEqualTo("confirm");
        assertThat(audit("escalate")).hasSize(1);
    }

    @Test
    void a_later_match_of_a_confirmed_entry_is_shown_beside_the_case_it_came_from() {
        long first = PanelFixtures.cases(server, 1).get(0);
        mia.get("/cases/" + first);
        assertThat(mia.get("/cases/" + first).body()).doesNotContain("Side by side");
        mia.postForm("/cases/" + first + "/confirm", "label", "spam", "bank", "known-bad");
        long later = PanelFixtures.cases(server, 1).get(0);
        String page = mia.get("/cases/" + later).body();
        long reference = PanelFixtures.mediaOf(server, first);
        assertThat(page).contains("Side by side with entry").contains("src=\"/media/" + reference + "/preview\"")
                .contains("reference (media " + reference + ") · pdq distance 0");
    }

    @Test
    void the_case_page_shows_evidence_context_and_history() {
        long id = PanelFixtures.cases(server, 1).get(0);
        String body = mia.get("/cases/" + id).body();
        assertThat(body).contains("known-bad").contains("seeded for the panel tests").contains("local, added by fixture")
                .contains("user1@remote.example").contains(pdq).contains("case opened");
    }

    @Test
    void the_dashboard_counts_the_queue_decisions_dismissals_and_reveals() {
        List<Long> ids = PanelFixtures.cases(server, 3);
        String before = mia.get("/").body();
        assertThat(before).contains("id=\"open-count\">3<").containsPattern("oldest waiting \\d+ s");
        mia.get("/cases/" + ids.get(0));
        mia.postForm("/media/" + PanelFixtures.mediaOf(server, ids.get(0)) + "/reveal");
        mia.postForm("/cases/" + ids.get(0) + "/dismiss", "reason", "fine");
        mia.get("/cases/" + ids.get(1));
        mia.postForm("/cases/" + ids.get(1) + "/confirm", "label", "spam");
        String after = mia.get("/").body();
        assertThat(after).contains("id=\"open-count\">1<");
        assertThat(after).containsPattern("<td>known-bad</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">50 %</td>");
        assertThat(after).containsPattern("<td>mia</td><td class=\"num\">1</td>");
        assertThat(after).containsPattern("<td class=\"num\">2</td></tr>\\s*</tbody>");
        // Reveal counts are private: another moderator does not see mia's, an admin does.
        assertThat(login("max").get("/").body()).doesNotContain("<td>mia</td>");
        assertThat(login("ada").get("/").body()).contains("<td>mia</td>");
    }

    @Test
    void media_that_could_not_be_decoded_is_queued_without_an_image_and_can_be_decided() {
        String token = server.token("raw", org.sightline.access.Scope.SCAN);
        String b64 = java.util.Base64.getEncoder().encodeToString("this is not an image".getBytes());
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + b64 + "\"}");
        assertThat(r.json().get("outcome").asText()).isEqualTo("unsupported");
        long media = r.json().get("id").asLong();
        long id = server.deps.database().jdbi().onDemand(org.sightline.review.CaseDao.class).forMedia(media)
                .orElseThrow().id();
        assertThat(mia.get("/queue?outcome=unsupported").body()).contains("data-case=\"" + id + "\"").contains("no image");
        String page = mia.get("/cases/" + id).body();
        assertThat(page).contains("id=\"no-image\"").doesNotContain("id=\"reveal\"").contains("unsupported");
        assertThat(mia.get("/media/" + media + "/preview").status()).isEqualTo(404);
        assertThat(mia.postForm("/media/" + media + "/reveal").status()).isEqualTo(404);
        assertThat(audit("reveal")).isEmpty();
        // Nothing to add to a bank without a hash.
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "junk", "allow_bank", "known-good").status())
                .isEqualTo(400);
        assertThat(mia.postForm("/cases/" + id + "/dismiss", "reason", "not an image at all").status()).isIn(302, 303);
        assertThat(server.deps.review().find(id).orElseThrow().decision()).isEqualTo("dismiss");
    }

    @Test
    void pages_escape_what_remote_servers_send() {
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE media SET acct = :a, report_comment = :c")
                .bind("a", "<script>alert(1)</script>").bind("c", "\"><img src=x onerror=alert(2)>").execute());
        long id = PanelFixtures.cases(server, 1).get(0);
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE media SET acct = :a, report_comment = :c")
                .bind("a", "<script>alert(1)</script>").bind("c", "\"><img src=x onerror=alert(2)>").execute());
        String body = mia.get("/cases/" + id).body();
        assertThat(body).doesNotContain("<script>alert(1)</script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<img src=x");
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE media SET status_url = 'javascript:alert(3)'").execute());
        assertThat(mia.get("/cases/" + id).body()).doesNotContain("javascript:alert").doesNotContain("id=\"status-link\"");
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE media SET status_url = 'https://social.example/@a/1'").execute());
        assertThat(mia.get("/cases/" + id).body()).contains("href=\"https://social.example/@a/1\"");
    }
}
