package org.sightline.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.instances.InstanceService;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the server with work queued and in flight loses nothing and duplicates nothing. */
class CrashSafetyTest {
    @TempDir
    Path data;

    private Config config() {
        return Config.defaults().with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50).with("ingest.lease_ms", 1500).with("ingest.workers", 2)
                .with("fetch.timeout_ms", 5000);
    }

    @Test
    void every_event_is_processed_exactly_once_across_a_stop_mid_job() throws Exception {
        int events = 8;
        try (MediaServer media = new MediaServer()) {
            String bridge = media.put("/bridge.jpg", IngestEndToEndTest.image("bridge-mods/aaa-orig.jpg"));
            String other = media.put("/c.png", IngestEndToEndTest.image("misc-images/c.png"));
            media.delay(1500); // every download hangs long enough for the stop to land mid-job

            TestServer first = new TestServer(config());
            first.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://m.example",
                    Webhooks.SECRET, null, null, null, null));
            first.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                    List.of("other"), null, null, null));
            first.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq",
                    IngestEndToEndTest.BRIDGE_PDQ, List.of(), null, null, null)), "test");
            for (int i = 0; i < events; i++) {
                String url = i % 2 == 0 ? bridge : other;
                assertThat(Webhooks.post(first, "social", Webhooks.status("status.created", "20" + i, "m" + i, url),
                        Webhooks.SECRET).status()).isEqualTo(202);
            }
            awaitCount(first, "SELECT COUNT(*) FROM media_overview WHERE state = 'processing'", 1);
            first.close(); // workers abandoned mid-download: their leases must expire and be taken over

            media.delay(0);
            try (TestServer second = new TestServer(config())) {
                awaitCount(second, "SELECT COUNT(*) FROM media_overview WHERE state = 'done'", events);
                assertThat(count(second, "SELECT COUNT(*) FROM media")).isEqualTo(events);
                assertThat(count(second, "SELECT COUNT(*) FROM webhook_events")).isEqualTo(events);
                assertThat(count(second, "SELECT COUNT(*) FROM media_overview WHERE outcome = 'scanned'")).isEqualTo(events);
                // the bridge images matched: one case each, never two
                assertThat(count(second, "SELECT COUNT(*) FROM cases")).isEqualTo(events / 2);
                assertThat(count(second, "SELECT COUNT(*) FROM (SELECT media_id FROM cases GROUP BY media_id"
                        + " HAVING COUNT(*) > 1) d")).isZero();
                assertThat(count(second, "SELECT COUNT(*) FROM media_matches")).isEqualTo(events / 2);
            }
        }
    }

    private static int count(TestServer server, String sql) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private static void awaitCount(TestServer server, String sql, int atLeast) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (count(server, sql) >= atLeast) return;
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + sql + " >= " + atLeast);
    }
}
