package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.ingest.follow.FakeTimelines;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Instances page sets what is watched, shows the follow's state and runs a backfill with a live progress bar. */
class FollowPanelTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void an_admin_watches_an_instance_sees_its_state_backfills_it_and_a_case_shows_the_remote_post() throws Exception {
        try (FakeTimelines mastodon = new FakeTimelines(); MediaServer media = new MediaServer();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.poll_ms", 50)
                     .with("fetch.allow_private_addresses", true).with("follow.check_ms", 200)
                     .with("misskey.poll_interval_s", 0))) {
            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(), null,
                    FakeTimelines.TOKEN, null, null, null));
            server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                    List.of("spam"), null, null, null));
            server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ,
                    List.of("spam"), null, null, null)), "test");
            PanelClient ada = new PanelClient(server.base);
            ada.login("ada", "correct horse battery");
            PanelClient.Page page = ada.get("/instances");
            assertThat(page.body()).contains("class=\"watch-select\"").contains("read:statuses");

            assertThat(ada.postForm("/instances/social/watch", "watch", "everything").status()).isEqualTo(400);
            PanelClient.Page set = ada.postForm("/instances/social/watch", "watch", "remote");
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.body()).contains("id=\"watch-set\"");
            await("following", () -> ada.get("/instances").body().contains("<span class=\"tag follow-state\">following</span>"));

            String copy = media.put("/cache/bridge.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
            ObjectNode status = mastodon.status("mallory@remote.example", "p1", copy, Instant.now());
            mastodon.publish(status);
            int cases = 0;
            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            while (cases == 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
                cases = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM cases").mapTo(Integer.class).one());
            }
            assertThat(cases).isEqualTo(1);
            mastodon.delete(status);
            await("deleted", () -> server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM status_deletions").mapTo(Integer.class).one()) == 1);
            long caseId = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases").mapTo(Long.class).one());
            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            String casePage = mia.get("/cases/" + caseId).body();
            assertThat(casePage).contains("id=\"post-context\"").contains("remote.example").contains("mallory@remote.example")
                    .contains("cw: test").contains("id=\"post-deleted\"");

            PanelClient.Page backfill = ada.postForm("/instances/social/backfill", "days", "3");
            assertThat(backfill.status()).isEqualTo(202);
            assertThat(backfill.body()).contains("id=\"backfill-started\"").contains("class=\"job\" data-job=");
            long job = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM jobs").mapTo(Long.class).one());
            // the progress bar's source, read with the session
            await("job done", () -> ada.get("/jobs/" + job).body().contains("\"state\":\"done\""));
            JsonNode doc = new ObjectMapper().readTree(ada.get("/jobs/" + job).body());
            assertThat(doc.get("done").asLong()).isEqualTo(72);
            assertThat(mia.get("/jobs/" + job).status()).isEqualTo(403);
            int audited = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM audit_events WHERE action IN ('instance_watch', 'instance_backfill')")
                    .mapTo(Integer.class).one());
            assertThat(audited).isEqualTo(2);
        }
    }
}
