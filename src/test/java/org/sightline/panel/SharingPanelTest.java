package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.audit.AuditEvent;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.ShareDao;
import org.sightline.store.TestDatabases;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Proposing a confirmed case's hash for sharing, and other moderators approving or rejecting it on /sharing. */
class SharingPanelTest {
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path data;
    TestServer server;
    String pdq;

    void start(Config extra) {
        new KeyFiles(data).generate(new SecureRandom());
        server = new TestServer(extra.with("data.dir", data).with("ingest.workers", 0));
        pdq = PanelFixtures.banks(server);
        for (String name : List.of("mia", "max", "mo")) server.deps.users().create(name, Role.MODERATOR, PASSWORD);
        server.deps.users().create("vic", Role.VIEWER, PASSWORD);
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
    }

    void startPublishing(Config extra) {
        start(extra);
        server.deps.banks().create(new BankService.BankSpec("outgoing", "local", "review", "enforce",
                List.of(), null, null, null));
        server.deps.lists().publish("shared", "outgoing", "public", "hashes our moderators agreed to share");
    }

    String pgUrl;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    PanelClient login(String name) {
        PanelClient c = new PanelClient(server.base);
        assertThat(c.login(name, PASSWORD).status()).isIn(302, 303);
        return c;
    }

    /** mia confirms a case with labels spam and sexual, ticking "mark for sharing"; returns the share request id. */
    long proposeByMia() {
        long caseId = PanelFixtures.cases(server, 1).get(0);
        PanelClient mia = login("mia");
        mia.get("/cases/" + caseId);
        assertThat(mia.postForm("/cases/" + caseId + "/confirm", "label", "spam", "label", "sexual", "share", "1")
                .status()).isIn(302, 303);
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM share_requests WHERE case_id = :c").bind("c", caseId)
                .mapTo(Long.class).one());
    }

    ShareDao.ShareRequest request(long id) {
        return server.deps.database().jdbi().withExtension(ShareDao.class, d -> d.find(id)).orElseThrow();
    }

    List<BankEntry> outgoing() {
        List<BankEntry> out = new ArrayList<>();
        server.deps.banks().forEachEntry("outgoing", false, out::add);
        return out;
    }

    String result(long id) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT result FROM share_requests WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    List<AuditEvent> audit(String action) {
        return server.deps.audit().search("", action, "", Long.MAX_VALUE, 100);
    }

    @Test
    void the_proposer_cannot_approve_and_a_second_moderator_publishes_the_hash_in_the_shared_list() {
        startPublishing(Config.defaults());
        long id = proposeByMia();
        PanelClient mia = login("mia");
        String page = mia.get("/sharing").body();
        assertThat(page).contains("data-share=\"" + id + "\"").contains(pdq).contains("spam, sexual")
                .contains("/media/" + request(id).mediaId() + "/preview").doesNotContain("/sharing/" + id + "/approve");

        PanelClient.Page own = mia.postForm("/sharing/" + id + "/approve");
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.body()).contains("another moderator");
        assertThat(request(id).state()).isEqualTo("pending");
        assertThat(outgoing()).isEmpty();

        PanelClient max = login("max");
        assertThat(max.get("/sharing").body()).contains("/sharing/" + id + "/approve");
        PanelClient.Page ok = max.postForm("/sharing/" + id + "/approve");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("Approved: the hash is in bank outgoing").doesNotContain("data-share=\"" + id + "\"");

        assertThat(outgoing()).hasSize(1);
        BankEntry e = outgoing().get(0);
        assertThat(e.signalValue()).isEqualTo(pdq);
        assertThat(e.labelList()).containsExactly("spam", "sexual");
        assertThat(e.note()).isEqualTo("shared from case " + request(id).caseId() + ", approved by max");
        assertThat(request(id).state()).isEqualTo("done");
        assertThat(result(id)).contains("outgoing");
        assertThat(audit("share_approve")).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("max");
            assertThat(a.target()).isEqualTo("share:" + id);
        });

        TestServer.Response list = server.get("/lists/shared", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(pdq).contains("sexual");
    }

    @Test
    void with_two_approvals_required_one_approval_is_not_enough() {
        startPublishing(Config.defaults().with("lists.share_approvals", 2));
        long id = proposeByMia();
        PanelClient max = login("max");
        max.get("/sharing");
        PanelClient.Page first = max.postForm("/sharing/" + id + "/approve");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).contains("1 more approval");
        assertThat(request(id).state()).isEqualTo("pending");
        assertThat(outgoing()).isEmpty();
        assertThat(max.postForm("/sharing/" + id + "/approve").status()).isEqualTo(409);

        PanelClient mo = login("mo");
        mo.get("/sharing");
        assertThat(mo.postForm("/sharing/" + id + "/approve").status()).isEqualTo(200);
        assertThat(request(id).state()).isEqualTo("done");
        assertThat(outgoing()).singleElement().satisfies(e ->
                assertThat(e.note()).isEqualTo("shared from case " + request(id).caseId() + ", approved by max and mo"));
    }

    @Test
    void a_rejected_share_is_marked_failed_with_the_reason_and_never_published() {
        startPublishing(Config.defaults());
        long id = proposeByMia();
        PanelClient max = login("max");
        max.get("/sharing");
        assertThat(max.postForm("/sharing/" + id + "/reject", "reason", "").status()).isEqualTo(400);
        PanelClient.Page r = max.postForm("/sharing/" + id + "/reject", "reason", "not clearly harmful");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("Rejected");
        assertThat(request(id).state()).isEqualTo("failed");
        assertThat(result(id)).isEqualTo("rejected by max: not clearly harmful");
        assertThat(audit("share_reject")).singleElement().satisfies(a ->
                assertThat(a.detail()).contains("not clearly harmful"));
        assertThat(max.postForm("/sharing/" + id + "/approve").status()).isEqualTo(409);
        assertThat(outgoing()).isEmpty();
    }

    @Test
    void viewers_cannot_see_or_decide_shares() {
        startPublishing(Config.defaults());
        long id = proposeByMia();
        PanelClient vic = login("vic");
        assertThat(vic.get("/sharing").status()).isEqualTo(403);
        vic.get("/queue");
        assertThat(vic.postForm("/sharing/" + id + "/approve").status()).isEqualTo(403);
        assertThat(vic.postForm("/sharing/" + id + "/reject", "reason", "x").status()).isEqualTo(403);
        assertThat(request(id).state()).isEqualTo("pending");
        assertThat(login("max").get("/").body()).contains("href=\"/sharing\"").doesNotContain("href=\"/subscriptions\"");
        assertThat(login("ada").get("/").body()).contains("href=\"/sharing\"").contains("href=\"/subscriptions\"");
    }

    @Test
    void without_a_published_list_or_share_bank_the_page_says_so_and_approval_changes_nothing() {
        start(Config.defaults());
        long id = proposeByMia();
        PanelClient max = login("max");
        assertThat(max.get("/sharing").body()).contains("share-bank-error").contains("Nothing is published yet");
        PanelClient.Page r = max.postForm("/sharing/" + id + "/approve");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains("lists.share_bank");
        assertThat(request(id).state()).isEqualTo("pending");
        List<String> approvers = server.deps.database().jdbi().withExtension(ShareDao.class, d -> d.approvers(id));
        assertThat(approvers).isEmpty();
    }

    @Test
    void approvals_and_publication_work_on_postgres() {
        pgUrl = TestDatabases.createPostgresSchema();
        startPublishing(Config.load(null, Map.of("SIGHTLINE_DATA_DIR", data.toString(), "SIGHTLINE_DB_URL", pgUrl,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER)).with("lists.share_approvals", 2));
        long id = proposeByMia();
        for (String moderator : List.of("max", "mo")) {
            PanelClient c = login(moderator);
            c.get("/sharing");
            assertThat(c.postForm("/sharing/" + id + "/approve").status()).isEqualTo(200);
        }
        assertThat(request(id).state()).isEqualTo("done");
        assertThat(outgoing()).singleElement().satisfies(e -> assertThat(e.labelList()).containsExactly("spam", "sexual"));
        assertThat(server.get("/lists/shared", null).body()).contains(pdq);
    }
}
