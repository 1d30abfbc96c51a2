package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Pleroma, Akkoma and GoToSocial stream over a WebSocket only: followed the same way, gap-filled the same way. */
class WebSocketFollowTest {
    @TempDir
    Path data;
    final FakeTimelines pleroma = new FakeTimelines(true);
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        pleroma.close();
    }

    private void start(String token) {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0)
                .with("follow.check_ms", 200).with("follow.backoff_min_ms", 100).with("misskey.poll_interval_s", 0));
        server.deps.instances().add(new InstanceService.NewInstance("pl", "pleroma", pleroma.url(), null, token,
                null, null, "remote"));
    }

    private int count(String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private JsonNode follow(String admin) {
        return server.get("/api/v1/instances/pl", admin).json().get("follow");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void statuses_on_the_websocket_are_queued_and_a_dropped_socket_is_gap_filled() throws Exception {
        start(FakeTimelines.TOKEN);
        String admin = server.token("root", Scope.ADMIN);
        await("following", () -> {
            JsonNode f = follow(admin);
            return f != null && !f.isNull() && f.get("state").asText().equals("following") && pleroma.openStreams() > 0;
        });
        assertThat(pleroma.calls("/api/v1/streaming")).allSatisfy(c ->
                assertThat(c.query()).containsEntry("stream", "public:remote:media"));
        pleroma.publish(pleroma.status("eve@remote.example", "w1", "https://cdn.example/w1.jpg", Instant.now()));
        await("streamed", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'w1'") == 1);

        pleroma.dropStreams();
        pleroma.publishQuietly(pleroma.status("eve@remote.example", "w2", "https://cdn.example/w2.jpg", Instant.now()));
        await("gap filled", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'w2'") == 1);
        await("following again", () -> follow(admin).get("reconnects").asInt() >= 1 && pleroma.openStreams() > 0);
        pleroma.publish(pleroma.status("eve@remote.example", "w3", "https://cdn.example/w3.jpg", Instant.now()));
        await("streamed again", () -> count("SELECT COUNT(*) FROM media WHERE attachment_id = 'w3'") == 1);
        assertThat(count("SELECT COUNT(*) FROM media")).isEqualTo(3);
    }

    @Test
    void a_refused_token_on_the_websocket_upgrade_stops_following() throws Exception {
        pleroma.failStream(401);
        start(FakeTimelines.TOKEN);
        String admin = server.token("root", Scope.ADMIN);
        await("stopped", () -> {
            JsonNode f = follow(admin);
            return f != null && !f.isNull() && f.get("state").asText().equals("stopped");
        });
        assertThat(follow(admin).get("last_error").asText()).contains("HTTP 401").contains("read:statuses")
                .doesNotContain(FakeTimelines.TOKEN);
    }
}
