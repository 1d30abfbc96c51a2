package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.SigningKey;
import org.sightline.ingest.Webhooks;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A moderator on a subscriber dismisses a case its publisher's list caused, calling the entry a false positive from
 * the case page; the publisher receives the signed opinion and its Sharing page shows the count beside a retraction.
 */
class ListOpinionPanelTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;
    String adminA;
    String adminB;

    @BeforeEach
    void start() {
        SigningKey keyA = new KeyFiles(dirA).generate(new SecureRandom());
        new KeyFiles(dirB).generate(new SecureRandom()); // B signs its opinions
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0));
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true).with("classifier.local.enabled", false));
        adminA = a.token("admin-a", Scope.ADMIN);
        adminB = b.token("admin-b", Scope.ADMIN);
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA, "{\"signal_type\":\"pdq\",\"value\":\"" + BRIDGE_PDQ
                + "\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\",\"visibility\":\"public\"}")
                .status()).isEqualTo(201);
        TestServer.Response sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\","
                + "\"key\":\"" + keyA.keyId() + "\",\"mode\":\"enforce\"}");
        assertThat(sub.status()).as(sub.body()).isEqualTo(201);
        assertThat(b.postJson("/api/v1/subscriptions/" + sub.json().get("id").asLong() + "/sync", adminB, "{}").status())
                .isEqualTo(200);
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    long caseOnB() {
        TestServer.Response r = b.postJson("/api/v1/media", adminB, "{\"image_base64\":\"" + Base64.getEncoder()
                .encodeToString(Webhooks.resource("/pdq/images/dih/bridge-2-rotate-90.jpg")) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("decision").asText()).isEqualTo("review");
        long media = r.json().get("id").asLong();
        return b.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", media).mapTo(Long.class).one());
    }

    JsonNode countsOnA() {
        TestServer.Response r = a.get("/api/v1/lists/shared/feedback", adminA);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("entries");
    }

    @Test
    void a_false_positive_from_the_case_page_reaches_the_publisher_whose_sharing_page_counts_it_beside_a_retraction()
            throws Exception {
        long caseId = caseOnB();
        b.deps.users().create("mo", Role.MODERATOR, PASSWORD);
        PanelClient mo = new PanelClient(b.base);
        mo.login("mo", PASSWORD);

        // the dismiss form names the list the match rests on and offers the opinion
        PanelClient.Page page = mo.get("/cases/" + caseId);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"entry-opinion\"").contains("from list " + a.base + "/lists/shared")
                .contains("value=\"false_positive\"").contains("value=\"disputed\"");

        PanelClient.Page dismissed = mo.postForm("/cases/" + caseId + "/dismiss", "reason", "a bridge, not spam",
                "entry_opinion", "false_positive");
        assertThat(dismissed.status()).as(dismissed.body()).isLessThan(400);
        long until = System.nanoTime() + 15_000_000_000L;
        while (countsOnA().isEmpty() && System.nanoTime() < until) Thread.sleep(50);
        JsonNode counts = countsOnA();
        assertThat(counts).hasSize(1);
        assertThat(counts.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(counts.get(0).get("false_positive").asLong()).isEqualTo(1);
        assertThat(counts.get(0).get("disputed").asLong()).isZero();
        // the moderator's reason stays on B
        long withoutReason = a.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM list_feedback WHERE reason IS NULL").mapTo(Long.class).one());
        assertThat(withoutReason).isEqualTo(1);
        assertThat(b.deps.audit().search("mo", "dismiss", "case:" + caseId, Long.MAX_VALUE, 5).get(0).detail())
                .contains("entry_opinion=false_positive");
        assertThat(b.deps.audit().search("mo", "entry_feedback_sent", "case:" + caseId, Long.MAX_VALUE, 5)).hasSize(1);

        // the publisher's Sharing page: the count, and the retraction of the entry
        a.deps.users().create("ada", Role.ADMIN, PASSWORD);
        PanelClient ada = new PanelClient(a.base);
        ada.login("ada", PASSWORD);
        String sharing = ada.get("/sharing").body();
        long entryId = counts.get(0).get("entry_id").asLong();
        assertThat(sharing).contains("data-list=\"shared\"").contains("data-seq=\"1\"")
                .contains("<td class=\"false-positive\">1</td>").contains("<td class=\"disputed\">0</td>")
                .contains("action=\"/banks/confirmed/entries/" + entryId + "/retract\"");
        // and where the list stands (#19: the lists this instance publishes, on Sharing)
        assertThat(sharing).contains("<span class=\"list-seq\">sequence 1</span>")
                .contains("<span class=\"list-active\">1 active entries</span>")
                .contains("public: anyone may subscribe").doesNotContain("last change never");
        assertThat(ada.postForm("/banks/confirmed/entries/" + entryId + "/retract").status()).isLessThan(400);
        assertThat(a.get("/api/v1/lists/shared/feedback", adminA).json().get("entries").get(0).get("active").asBoolean()).isFalse();
        String afterRetract = ada.get("/sharing").body();
        assertThat(afterRetract).contains("<td>retracted</td>").doesNotContain("/retract\"")
                .contains("<span class=\"list-seq\">sequence 2</span>")
                .contains("<span class=\"list-active\">0 active entries</span>");
        assertThat(a.deps.audit().search("ada", "bank_retract", "bank:confirmed", Long.MAX_VALUE, 5)).hasSize(1);
    }
}
