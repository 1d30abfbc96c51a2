package org.sightline.ingest;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How this node works through the media queue. */
public record IngestSettings(int workers, Duration lease, Duration poll, int maxAttempts) {

    public static final Setting<Integer> WORKERS = Setting.integer("ingest.workers", 4,
            "media processed at once on this node (0: this node only ingests)");
    public static final Setting<Long> LEASE_MS = Setting.longValue("ingest.lease_ms", 120_000,
            "how long a claimed item stays with its worker before another node may take it, in ms");
    public static final Setting<Long> POLL_MS = Setting.longValue("ingest.poll_ms", 500,
            "how often idle media and action workers look for work, in ms");
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("ingest.max_attempts", 5,
            "downloads tried (with backoff) before the media goes to review");
    public static final List<Setting<?>> KEYS = List.of(WORKERS, LEASE_MS, POLL_MS, MAX_ATTEMPTS);

    public static IngestSettings from(Config config) {
        return new IngestSettings(WORKERS.from(config), Duration.ofMillis(LEASE_MS.from(config)),
                Duration.ofMillis(POLL_MS.from(config)), MAX_ATTEMPTS.from(config));
    }
}
