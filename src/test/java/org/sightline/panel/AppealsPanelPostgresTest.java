package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.actions.FakeMastodon;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;
import org.sightline.review.ReviewService;
import org.sightline.store.TestDatabases;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #16 on PostgreSQL, through the panel: a statement on the case page, an appeal from the public page in the
 * Appeals queue, the original moderator refused, another one overturning, the undo reaching the fake Mastodon, the
 * bank entry retracted, and the statements and the transparency report read back.
 */
class AppealsPanelPostgresTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    @TempDir
    Path dir;
    String url;
    final FakeMastodon mastodon = new FakeMastodon();

    @AfterEach
    void drop() {
        mastodon.close();
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(25);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    void an_appeal_is_decided_in_the_panel_by_another_moderator_and_undone_on_postgres() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER, "SIGHTLINE_ACTIONS_BACKOFF_MS", "100"));
        try (TestServer server = new TestServer(config)) {
            server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                    Webhooks.SECRET, FakeMastodon.TOKEN, null, null, null));
            server.deps.banks().create(new BankService.BankSpec("suspect", "local", "review", "enforce",
                    List.of("spam"), null, null, null));
            server.deps.banks().create(new BankService.BankSpec("confirmed", "local", "review", "enforce",
                    List.of(), null, null, null));
            server.deps.banks().addEntries("suspect", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                    List.of("spam"), null, null, null)), "test");
            String scan = server.deps.tokens().create("bridge", Set.of(Scope.SCAN), null, "social", "test").token();
            String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
            TestServer.Response r = server.postJson("/api/v1/media", scan, "{\"image_base64\":\"" + b64
                    + "\",\"instance\":\"social\",\"status\":\"4001\",\"account\":\"acct4001\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            long media = r.json().get("id").asLong();
            long caseId = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT id FROM cases WHERE media_id = :m").bind("m", media).mapTo(Long.class).one());
            User mia = server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            server.deps.users().create("bob", Role.MODERATOR, "correct horse battery");
            server.deps.review().confirm(caseId, mia, new ReviewService.Confirm(List.of("spam"), "confirmed",
                    List.of("account_suspend"), null));
            String admin = server.token("admin", Scope.ADMIN);
            JsonNode statement = server.get("/api/v1/statements", admin).json().get("statements").get(0);
            String puid = statement.get("puid").asText();
            await("suspend done", () -> mastodon.calls("/api/v1/admin/accounts/acct4001/action").size() == 1);

            // the person appeals on the public page
            String appealPath = URI.create(statement.get("appeal_url").asText()).getRawPath();
            PanelClient person = new PanelClient(server.base);
            assertThat(person.get(appealPath).body()).contains(puid).contains("the account was suspended");
            assertThat(person.postForm(appealPath, "text", "I did not post spam").body()).contains("id=\"appeal-sent\"");

            PanelClient miaPanel = new PanelClient(server.base);
            miaPanel.login("mia", "correct horse battery");
            assertThat(miaPanel.get("/cases/" + caseId).body()).contains("id=\"statements\"").contains(puid)
                    .contains("I did not post spam");
            PanelClient.Page queue = miaPanel.get("/appeals");
            assertThat(queue.body()).contains("I did not post spam");
            long appealId = server.get("/api/v1/appeals?state=open", admin).json().get("appeals").get(0).get("id").asLong();
            PanelClient.Page refused = miaPanel.postForm("/appeals/" + appealId + "/decision", "outcome", "overturned",
                    "reason", "mine");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("someone other than mia");

            PanelClient bob = new PanelClient(server.base);
            bob.login("bob", "correct horse battery");
            assertThat(bob.get("/appeals").body()).contains("I did not post spam"); // the session's form token
            assertThat(bob.postForm("/appeals/" + appealId + "/decision", "outcome", "overturned", "reason",
                    "not spam").status()).isIn(302, 303);
            await("unsuspend", () -> mastodon.calls("/api/v1/admin/accounts/acct4001/unsuspend").size() == 1);
            List<BankEntry> entries = new ArrayList<>();
            server.deps.banks().forEachEntry("confirmed", true, entries::add);
            assertThat(entries).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo("retracted"));
            assertThat(person.get(appealPath).body()).contains("id=\"appeal-outcome\"").contains("not spam");

            JsonNode t = server.get("/api/v1/transparency", admin).json();
            assertThat(t.get("statements").asLong()).isEqualTo(1);
            assertThat(t.get("appeals").get("overturned").asLong()).isEqualTo(1);
            assertThat(server.get("/api/v1/statements/export", admin).json().get("statements").get(0).get("puid")
                    .asText()).isEqualTo(puid);
            assertThat(bob.get("/transparency").body()).contains("id=\"t-statements\">1<");
        }
    }
}
