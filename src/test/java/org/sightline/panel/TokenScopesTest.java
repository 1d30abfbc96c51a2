package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.actions.FakeMastodon;
import org.sightline.actions.FakeMisskey;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #19: a pasted token's scopes are learned from the instance (Mastodon's apps/verify_credentials, Misskey's
 * answers to calls without parameters), stored and audited; the case page offers only the actions they allow and
 * says why the others are not offered; when the server does not say, the actions are offered with a warning.
 */
class TokenScopesTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private static final Pattern OFFERED = Pattern.compile("name=\"action\" value=\"([a-z_]+)\"");

    @TempDir
    Path data;

    TestServer server;
    String root;

    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        root = server.token("root", Scope.ADMIN);
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                List.of("other"), "test entry", null, null)), "test");
        server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
    }

    /** A case for media of {@code instance} (the scan API, naming the instance, the author and the post). */
    long caseOn(String instance, String status) {
        String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        TestServer.Response r = server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + b64 + "\",\"instance\":\""
                + instance + "\",\"account\":\"9x\",\"status\":\"" + status + "\",\"attachment\":\"f" + status + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", r.json().get("id").asLong()).mapTo(Long.class).one());
    }

    static List<String> offered(String page) {
        String form = page.substring(page.indexOf("id=\"confirm-form\""), page.indexOf("id=\"dismiss-form\""));
        List<String> out = new java.util.ArrayList<>();
        Matcher m = OFFERED.matcher(form);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    static String notOffered(String page, String action) {
        Matcher m = Pattern.compile("<li data-action=\"" + action + "\">(.*?)</li>").matcher(page);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void a_pasted_mastodon_token_offers_only_what_its_scopes_allow_and_an_old_server_gets_a_warning() {
        start();
        try (FakeMastodon mastodon = new FakeMastodon()) {
            server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                    Webhooks.SECRET, null, null, null, null));
            mastodon.token("pasted-reports-only", "read write:reports");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            ada.get("/instances");
            PanelClient.Page saved = ada.postForm("/instances/social/token", "token", "pasted-reports-only");
            assertThat(saved.status()).isEqualTo(200);
            assertThat(saved.body()).contains("id=\"token-scopes\"").contains("read write:reports");
            assertThat(mastodon.calls("/api/v1/apps/verify_credentials")).hasSize(1);
            assertThat(server.deps.audit().search("ada", "instance_token_scopes", "instance:social", Long.MAX_VALUE, 5))
                    .singleElement().satisfies(e -> assertThat(e.detail()).contains("read write:reports")
                            .doesNotContain("pasted-reports-only"));

            long caseId = caseOn("social", "501");
            String page = ada.get("/cases/" + caseId).body();
            assertThat(offered(page)).contains("report", "mark_sensitive")
                    .doesNotContain("account_silence", "account_suspend", "account_sensitive");
            assertThat(notOffered(page, "account_suspend")).contains("without admin:write:accounts");
            assertThat(page).doesNotContain("id=\"token-warning\"");

            // a server before Mastodon 4.3 does not say: everything its plugins do is offered, with a warning
            mastodon.token("pasted-on-old-server", null);
            ada.get("/instances");
            assertThat(ada.postForm("/instances/social/token", "token", "pasted-on-old-server").body())
                    .contains("did not say the token");
            page = ada.get("/cases/" + caseId).body();
            assertThat(offered(page)).contains("report", "account_suspend");
            assertThat(page).contains("id=\"token-warning\"").contains("are not known");

            // the server now says (upgraded, or the app changed): checking again stores what it says
            mastodon.token("pasted-on-old-server", "read write:reports admin:write:accounts");
            ada.get("/instances");
            assertThat(ada.postForm("/instances/social/check-token").body()).contains("id=\"token-checked\"")
                    .contains("admin:write:accounts");
            page = ada.get("/cases/" + caseId).body();
            assertThat(offered(page)).contains("report", "account_suspend");
            assertThat(page).doesNotContain("id=\"token-warning\"");
        } finally {
            server.close();
        }
    }

    @Test
    void a_pasted_misskey_token_is_probed_without_effect_and_the_case_page_follows_its_permissions() {
        start();
        try (FakeMisskey misskey = new FakeMisskey()) {
            server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(),
                    null, null, null, null, null));
            misskey.token("mk-limited", true, "read:account", "write:report-abuse", "write:drive");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            ada.get("/instances");
            PanelClient.Page saved = ada.postForm("/instances/mk/token", "token", "mk-limited");
            assertThat(saved.body()).contains("the account is a moderator; the token allows write:report-abuse write:drive")
                    .contains("not write:notes, write:admin:suspend-user, write:admin:unsuspend-user");
            // every probe was refused or stopped at its missing parameters: nothing was done on the instance
            assertThat(misskey.calls("notes/delete")).hasSize(1);
            assertThat(misskey.calls("users/report-abuse").get(0).body().has("userId")).isFalse();

            long caseId = caseOn("mk", "9n1");
            String page = ada.get("/cases/" + caseId).body();
            assertThat(offered(page)).contains("report", "mark_sensitive").doesNotContain("delete", "account_suspend");
            assertThat(notOffered(page, "delete")).contains("does not allow write:notes");
            assertThat(notOffered(page, "account_suspend")).contains("does not allow write:admin:suspend-user");

            // a token of an account without the moderator role: the admin endpoints refuse it by role
            misskey.token("mk-user", false, "read:account", "write:report-abuse", "write:drive", "write:notes",
                    "write:admin:suspend-user", "write:admin:unsuspend-user");
            ada.get("/instances");
            assertThat(ada.postForm("/instances/mk/token", "token", "mk-user").body())
                    .contains("the account is not a moderator").contains("write:admin:suspend-user (role)");
            page = ada.get("/cases/" + caseId).body();
            assertThat(offered(page)).contains("delete").doesNotContain("account_suspend");
        } finally {
            server.close();
        }
    }
}
