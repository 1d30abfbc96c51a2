package org.sightline.ingest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Downloads that fail: retried with backoff when transient, recorded and sent to review otherwise. */
class FetchFailureTest {
    @TempDir
    Path data;
    MediaServer media;
    TestServer server;

    @BeforeEach
    void start() {
        media = new MediaServer();
        server = new TestServer(Config.defaults().with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50).with("fetch.timeout_ms", 500).with("media.max_bytes", 200_000)
                .with("ingest.max_attempts", 2));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://m.example",
                Webhooks.SECRET, null, null, null, null));
    }

    @AfterEach
    void stop() {
        server.close();
        media.close();
    }

    private Map<String, Object> awaitDone(String statusId) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            var row = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT state, outcome, reason, attempts, decision FROM media_overview WHERE status_id = :s")
                    .bind("s", statusId).mapToMap().findOne());
            if (row.isPresent() && "done".equals(row.get().get("state"))) return row.get();
            Thread.sleep(50);
        }
        throw new AssertionError("not processed in time");
    }

    private void deliver(String statusId, String url) {
        assertThat(Webhooks.post(server, "social", Webhooks.status("status.created", statusId, "m" + statusId, url),
                Webhooks.SECRET).status()).isEqualTo(202);
    }

    @Test
    void a_transient_failure_is_retried_and_then_succeeds() throws Exception {
        String url = media.put("/c.png", IngestEndToEndTest.image("bridge-mods/square-256x256.jpg"));
        media.failNext(1);
        deliver("3001", url);
        Map<String, Object> row = awaitDone("3001");
        assertThat(row.get("outcome")).isEqualTo("scanned");
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(2);
    }

    @Test
    void a_failure_that_outlasts_the_attempts_goes_to_review() throws Exception {
        String url = media.put("/c2.png", IngestEndToEndTest.image("bridge-mods/square-256x256.jpg"));
        media.failNext(10);
        deliver("3002", url);
        Map<String, Object> row = awaitDone("3002");
        assertThat(row.get("outcome")).isEqualTo("fetch_failed");
        assertThat((String) row.get("reason")).contains("503");
        assertThat(row.get("decision")).isEqualTo("review");
    }

    @Test
    void oversized_media_is_too_large_and_goes_to_review() throws Exception {
        String url = media.put("/big.jpg", IngestEndToEndTest.image("bridge-mods/aaa-orig.jpg")); // 361 KB > 200 KB
        deliver("3003", url);
        Map<String, Object> row = awaitDone("3003");
        assertThat(row.get("outcome")).isEqualTo("too_large");
        assertThat(row.get("decision")).isEqualTo("review");
    }

    @Test
    void slow_media_times_out_and_server_stays_healthy() throws Exception {
        String url = media.put("/slow.png", IngestEndToEndTest.image("bridge-mods/square-256x256.jpg"));
        media.delay(3000);
        deliver("3004", url);
        Map<String, Object> row = awaitDone("3004");
        assertThat(row.get("outcome")).isEqualTo("fetch_failed");
        assertThat(row.get("decision")).isEqualTo("review");
        assertThat(server.get("/healthz", null).status()).isEqualTo(200);
    }
}
