package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.audit.AuditEvent;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.federation.KeyFiles;
import org.sightline.federation.SigningKey;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The admins' /subscriptions page, against a second server that publishes a list. */
class SubscriptionsPanelTest {
    static final String PASSWORD = "correct horse battery";
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    TestServer a;
    TestServer b;
    SigningKey keyA;
    PanelClient ada;
    String adminA;

    @BeforeEach
    void start() {
        keyA = new KeyFiles(dirA).generate(new SecureRandom());
        a = new TestServer(Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0));
        b = new TestServer(Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true));
        adminA = a.token("admin-a", Scope.ADMIN);
        assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\",\"kind\":\"local\"}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA, "{\"signal_type\":\"pdq\",\"value\":\""
                + BRIDGE_PDQ + "\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\"}").status()).isEqualTo(201);
        b.deps.users().create("ada", Role.ADMIN, PASSWORD);
        b.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        ada = login("ada");
        ada.get("/subscriptions");
    }

    @AfterEach
    void stop() {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    PanelClient login(String name) {
        PanelClient c = new PanelClient(b.base);
        assertThat(c.login(name, PASSWORD).status()).isIn(302, 303);
        return c;
    }

    long subscribe(String key) {
        PanelClient.Page r = ada.postForm("/subscriptions", "url", a.base + "/lists/shared", "key", key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("Subscribed to");
        return b.deps.subscriptions().list().get(b.deps.subscriptions().list().size() - 1).id();
    }

    List<AuditEvent> audit(String action) {
        return b.deps.audit().search("", action, "", Long.MAX_VALUE, 100);
    }

    @Test
    void a_sync_shows_its_added_count_and_samples_and_enforce_is_switched_on_with_an_audit_event() {
        long id = subscribe(keyA.keyId());
        assertThat(b.deps.subscriptions().bank(b.deps.subscriptions().get(id)).mode().wireName()).isEqualTo("observe");
        assertThat(audit("subscription_add")).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ada"));

        PanelClient.Page sync = ada.postForm("/subscriptions/" + id + "/sync");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.body()).contains("1 added, 0 retracted");
        String page = ada.get("/subscriptions").body();
        assertThat(page).contains("<td class=\"added\">1</td>").contains(BRIDGE_PDQ).contains(keyA.keyId())
                .contains("id=\"mode-" + id + "\">observe").doesNotContain("Last sync failed");

        PanelClient.Page enforce = ada.postForm("/subscriptions/" + id + "/mode", "mode", "enforce");
        assertThat(enforce.status()).isEqualTo(200);
        assertThat(enforce.body()).contains("id=\"mode-" + id + "\">enforce");
        assertThat(b.deps.subscriptions().bank(b.deps.subscriptions().get(id)).mode().wireName()).isEqualTo("enforce");
        assertThat(audit("subscription_mode")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ada");
            assertThat(e.target()).isEqualTo("subscription:" + id);
            assertThat(e.detail()).isEqualTo("mode=enforce");
        });

        assertThat(ada.postForm("/subscriptions/" + id + "/pause", "paused", "true").body()).contains("paused.");
        assertThat(b.deps.subscriptions().get(id).paused()).isTrue();
        assertThat(ada.postForm("/subscriptions/" + id + "/pause", "paused", "false").body()).contains("resumed.");
        assertThat(b.deps.subscriptions().get(id).paused()).isFalse();

        assertThat(a.postJson("/api/v1/banks/confirmed/entries", adminA, "{\"signal_type\":\"pdq\",\"value\":\""
                + "0f0f0f31e0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\",\"labels\":[\"spam\"]}").status()).isEqualTo(201);
        assertThat(ada.postForm("/subscriptions/" + id + "/sync").body()).contains("to sequence 2: 1 added");
        PanelClient.Page rollback = ada.postForm("/subscriptions/" + id + "/rollback", "sequence", "1");
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.body()).contains("back to sequence 1: 0 re-added, 1 retracted");
        assertThat(b.deps.subscriptions().get(id).lastSeq()).isEqualTo(1);
        assertThat(audit("subscription_rollback")).hasSize(1);
        assertThat(audit("subscription_sync")).hasSize(2);
        assertThat(ada.postForm("/subscriptions/" + id + "/rollback", "sequence", "0").status()).isEqualTo(400);
    }

    @Test
    void a_sync_refused_for_a_wrong_pinned_key_shows_the_error_and_adds_nothing() {
        // a key that is neither the list's nor this instance's own
        String otherKey = SigningKey.generate(new SecureRandom()).keyId();
        long id = subscribe(otherKey);
        PanelClient.Page sync = ada.postForm("/subscriptions/" + id + "/sync");
        assertThat(sync.status()).isEqualTo(422);
        assertThat(sync.body()).contains("Sync refused");
        String page = ada.get("/subscriptions").body();
        assertThat(page).contains("id=\"last-error-" + id + "\"").contains("Last sync failed");
        assertThat(b.deps.subscriptions().get(id).lastSeq()).isZero();
        assertThat(b.deps.banks().countActive(b.deps.subscriptions().get(id).bankId())).isZero();
        assertThat(audit("subscription_sync")).singleElement().satisfies(e -> assertThat(e.detail()).startsWith("refused: "));
    }

    @Test
    void moderators_cannot_reach_the_subscriptions_page_and_bad_input_is_shown_not_thrown() {
        PanelClient mia = login("mia");
        assertThat(mia.get("/subscriptions").status()).isEqualTo(403);
        mia.get("/queue");
        assertThat(mia.postForm("/subscriptions", "url", a.base + "/lists/shared", "key", keyA.keyId()).status()).isEqualTo(403);
        assertThat(b.deps.subscriptions().list()).isEmpty();

        PanelClient.Page bad = ada.postForm("/subscriptions", "url", "not a url", "key", keyA.keyId());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("subscription-error");
        assertThat(ada.postForm("/subscriptions/999/sync").status()).isEqualTo(404);
    }

    @Test
    void an_admin_sets_a_publishers_trust_on_the_page_audited_and_a_bad_level_is_refused() {
        long id = subscribe(keyA.keyId());
        assertThat(ada.get("/subscriptions").body()).contains("id=\"trust-" + id + "\">normal<");
        PanelClient.Page set = ada.postForm("/subscriptions/" + id + "/trust", "trust", "high");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.body()).contains("is now trusted high").contains("id=\"trust-" + id + "\">high<");
        assertThat(b.deps.trust().forSubscription(id)).isEqualTo("high");
        assertThat(audit("trust_set")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ada");
            assertThat(e.detail()).isEqualTo("trust=high");
        });
        PanelClient.Page bad = ada.postForm("/subscriptions/" + id + "/trust", "trust", "total");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("trust must be low, normal or high");
        assertThat(b.deps.trust().forSubscription(id)).isEqualTo("high");
        // moderators do not reach it
        PanelClient mia = login("mia");
        mia.get("/queue");
        assertThat(mia.postForm("/subscriptions/" + id + "/trust", "trust", "low").status()).isEqualTo(403);
    }
}
