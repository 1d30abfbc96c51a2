package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.actions.FakeMastodon;
import org.sightline.actions.FakeMisskey;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;
import org.sightline.access.Role;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** From a case confirmed in the panel to the report and the chosen account action on the instance. */
class PanelActionsTest {
    @TempDir
    Path data;

    @Test
    void a_confirmed_case_reports_and_suspends_on_the_instance_and_the_case_shows_it() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon(); MediaServer media = new MediaServer();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data)
                     .with("fetch.allow_private_addresses", true).with("ingest.poll_ms", 50))) {
            server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                    Webhooks.SECRET, FakeMastodon.TOKEN, null, null, null));
            server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                    List.of("spam"), null, null, null));
            server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq",
                    "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", List.of("spam"), null, null, null)), "t");
            String url = media.put("/b.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
            Webhooks.post(server, "social", Webhooks.status("status.created", "7001", "att7001", url), Webhooks.SECRET);
            long caseId = await(() -> server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT id FROM cases").mapTo(Long.class).findOne().orElse(0L)));

            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            assertThat(mia.get("/cases/" + caseId).body()).contains("account_suspend");
            assertThat(mia.postForm("/cases/" + caseId + "/confirm", "label", "spam", "action", "report",
                    "action", "account_suspend").status()).isIn(302, 303);

            await(() -> (long) mastodon.calls("/api/v1/admin/accounts/").size());
            await(() -> (long) mastodon.calls("/api/v1/reports").size());
            assertThat(mastodon.calls("/api/v1/reports")).hasSize(1);
            assertThat(mastodon.calls("/api/v1/reports").get(0).one("category")).isEqualTo("spam");
            assertThat(mastodon.calls("/api/v1/admin/accounts/").get(0).one("type")).isEqualTo("suspend");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            String page = "";
            while (Instant.now().isBefore(deadline)) {
                page = mia.get("/cases/" + caseId).body();
                if (page.contains("report — done") && page.contains("account_action — done")) break;
                Thread.sleep(50);
            }
            assertThat(page).contains("report — done").contains("account_action — done");
        }
    }

    @Test
    void an_admin_adds_and_connects_an_instance_from_the_panel_and_moderators_cannot() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                     .with("http.public_url", "https://sightline.example"))) {
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            ada.get("/instances");
            PanelClient.Page added = ada.postForm("/instances", "name", "social", "kind", "mastodon", "url", mastodon.url());
            assertThat(added.status()).isEqualTo(201);
            assertThat(added.body()).contains("https://sightline.example/hooks/mastodon/social").contains("id=\"webhook-secret\"");
            PanelClient.Page connect = ada.postForm("/instances/social/connect", "action", "report");
            assertThat(connect.status()).isIn(302, 303);
            assertThat(connect.location()).startsWith(mastodon.url() + "/oauth/authorize?").contains("scope=write%3Areports");
            assertThat(ada.get("/instances").body()).contains("none yet").contains("/settings/plugins");
            assertThat(server.deps.audit().search("", "instance_add", "", Long.MAX_VALUE, 10)).hasSize(1);

            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            mia.get("/queue");
            assertThat(mia.get("/instances").status()).isEqualTo(403);
            assertThat(mia.postForm("/instances", "name", "evil", "kind", "generic", "url", "https://e.example").status())
                    .isEqualTo(403);
        }
    }

    @Test
    void an_admin_pastes_a_misskey_token_and_a_confirmed_delete_uses_it() throws Exception {
        try (FakeMisskey misskey = new FakeMisskey();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50)
                     .with("misskey.poll_interval_s", 0))) {
            server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(), null, null,
                    null, null, null));
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            assertThat(ada.get("/instances").body()).contains("action=\"/instances/mk/token\"").contains("Set token");

            // forms need the session's CSRF token, a pasted token must look like one, and moderators cannot set one
            assertThat(ada.post("/instances/mk/token", "token", FakeMisskey.TOKEN).status()).isEqualTo(403);
            PanelClient.Page pasteMistake = ada.postForm("/instances/mk/token", "token", "two words");
            assertThat(pasteMistake.status()).isEqualTo(400);
            assertThat(pasteMistake.body()).contains("without spaces");
            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            mia.get("/queue");
            assertThat(mia.postForm("/instances/mk/token", "token", "moderator-token").status()).isEqualTo(403);
            assertThat(server.deps.instances().find("mk").orElseThrow().apiToken()).isNull();

            PanelClient.Page set = ada.postForm("/instances/mk/token", "token", FakeMisskey.TOKEN);
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.body()).contains("id=\"token-set\"").contains("connected").contains("Replace token")
                    .doesNotContain(FakeMisskey.TOKEN);
            var stored = server.deps.instances().find("mk").orElseThrow();
            assertThat(stored.apiToken()).isNotNull().doesNotContain(FakeMisskey.TOKEN);
            assertThat(server.deps.instances().apiToken(stored)).contains(FakeMisskey.TOKEN);
            var audited = server.deps.audit().search("ada", "instance_token", "instance:mk", Long.MAX_VALUE, 10);
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0).toString()).doesNotContain(FakeMisskey.TOKEN);

            // "Poll now" checks the token at once; a refusal is shown with what to do about it
            assertThat(set.body()).contains("action=\"/instances/mk/poll\"");
            PanelClient.Page polled = ada.postForm("/instances/mk/poll");
            assertThat(polled.status()).isEqualTo(200);
            assertThat(polled.body()).contains("id=\"polled\"").contains("0 new image(s) queued");
            assertThat(misskey.calls("admin/drive/files")).hasSize(1);
            misskey.failNext(400, "PERMISSION_DENIED");
            PanelClient.Page refused = ada.postForm("/instances/mk/poll");
            assertThat(refused.status()).isEqualTo(502);
            assertThat(refused.body()).contains("the token lacks the read:admin:drive permission").contains("poll-error");
            assertThat(mia.postForm("/instances/mk/poll").status()).isEqualTo(403);

            // a case confirmed with "delete the post" deletes the note through the stored token
            server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                    List.of("spam"), null, null, null));
            server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq",
                    "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", List.of("spam"), null, null, null)), "t");
            misskey.note("9note", new FakeMisskey.File("9file", "0".repeat(32)));
            String b64 = java.util.Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
            long mediaId = server.postJson("/api/v1/media", server.token("bridge", org.sightline.access.Scope.SCAN),
                    "{\"image_base64\":\"" + b64 + "\",\"instance\":\"mk\",\"status\":\"9note\",\"account\":\"9user\","
                            + "\"attachment\":\"9file\"}").json().get("id").asLong();
            long caseId = await(() -> server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT id FROM cases WHERE media_id = :m").bind("m", mediaId).mapTo(Long.class).findOne().orElse(0L)));
            assertThat(mia.get("/cases/" + caseId).body()).contains("value=\"delete\"").contains("Delete the post");
            assertThat(mia.postForm("/cases/" + caseId + "/confirm", "label", "spam", "action", "delete").status())
                    .isIn(302, 303);
            // saving the token called notes/delete without a noteId (its permission check, which deletes nothing)
            await(() -> misskey.calls("notes/delete").stream().filter(c -> c.text("noteId") != null).count());
            assertThat(misskey.calls("notes/delete")).extracting(c -> c.text("noteId")).containsExactly(null, "9note");
            assertThat(misskey.hasNote("9note")).isFalse();
        }
    }

    @Test
    void an_admin_connects_a_misskey_instance_with_miauth_from_the_panel() throws Exception {
        try (FakeMisskey misskey = new FakeMisskey();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("misskey.poll_interval_s", 0))) {
            server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(), null, null,
                    null, null, null));
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            assertThat(ada.get("/instances").body()).contains("Connect with MiAuth");
            // a forged "connected" notice is not shown for an instance without a token
            assertThat(ada.get("/instances?connected=mk").body()).doesNotContain("id=\"connected\"");
            PanelClient.Page go = ada.postForm("/instances/mk/connect", "action", "report", "action", "mark_sensitive");
            assertThat(go.status()).isIn(302, 303);
            assertThat(go.location()).startsWith(misskey.url() + "/miauth/")
                    .contains("permission=read%3Aadmin%3Adrive%2Cwrite%3Adrive%2Cwrite%3Areport-abuse");
            String session = URI.create(go.location()).getPath().substring("/miauth/".length());
            misskey.approve(session, true);
            PanelClient.Page back = ada.get("/instances/mk/miauth/callback?session=" + session);
            assertThat(back.location()).isEqualTo("/instances?connected=mk");
            assertThat(ada.get(back.location()).body()).contains("id=\"connected\"").contains("Reconnect")
                    .doesNotContain(FakeMisskey.TOKEN);
            assertThat(server.deps.audit().search("ada", "instance_connect", "instance:mk", Long.MAX_VALUE, 10)).hasSize(1);
        }
    }

    private static long await(java.util.function.LongSupplier value) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            long v = value.getAsLong();
            if (v > 0) return v;
            Thread.sleep(25);
        }
        throw new AssertionError("timed out");
    }
}
