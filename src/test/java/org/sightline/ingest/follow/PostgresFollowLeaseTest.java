package org.sightline.ingest.follow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;
import org.sightline.store.TestDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes on one PostgreSQL: one follows a watched instance at a time, and the other takes over. */
class PostgresFollowLeaseTest {
    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    String url;
    final FakeTimelines mastodon = new FakeTimelines();

    @AfterEach
    void drop() {
        mastodon.close();
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static int count(TestServer s, String sql) {
        return s.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    @Test
    void one_node_follows_an_instance_and_another_takes_over_when_it_stops() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config a = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dirA.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER)).with("ingest.workers", 0).with("follow.check_ms", 200)
                .with("follow.backoff_min_ms", 100).with("misskey.poll_interval_s", 0);
        TestServer nodeA = new TestServer(a);
        TestServer nodeB = null;
        try {
            nodeA.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(), null,
                    FakeTimelines.TOKEN, null, null, "remote"));
            Files.copy(dirA.resolve("secret.key"), dirB.resolve("secret.key")); // nodes share the sealing key
            nodeB = new TestServer(a.with("data.dir", dirB));
            TestServer b = nodeB;
            await("one node following", () -> mastodon.openStreams() == 1);
            Thread.sleep(1000); // several checks of both nodes
            assertThat(nodeA.deps.follower().following().size() + b.deps.follower().following().size()).isEqualTo(1);
            assertThat(mastodon.openStreams()).isEqualTo(1);
            mastodon.publish(mastodon.status("x@remote.example", "l1", "https://cdn.example/l1.jpg", Instant.now()));
            await("queued", () -> count(b, "SELECT COUNT(*) FROM media") == 1);

            TestServer holder = nodeA.deps.follower().following().isEmpty() ? b : nodeA;
            TestServer other = holder == nodeA ? b : nodeA;
            holder.close();
            if (holder == b) nodeB = null;
            else nodeA = null;
            // (published as soon as the other node holds it: the stream or its gap-fill brings it)
            await("taken over", () -> other.deps.follower().following().size() == 1);
            mastodon.publish(mastodon.status("x@remote.example", "l2", "https://cdn.example/l2.jpg", Instant.now()));
            await("queued by the other", () -> count(other, "SELECT COUNT(*) FROM media") == 2);
            assertThat(count(other, "SELECT COUNT(*) FROM media WHERE attachment_id = 'l1'")).isEqualTo(1);
        } finally {
            if (nodeA != null) nodeA.close();
            if (nodeB != null) nodeB.close();
        }
    }
}
