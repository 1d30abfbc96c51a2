package org.sightline.ingest.follow;

import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How watched instances' public timelines are followed (streaming, gap-fill) and backfilled. */
public record FollowSettings(Duration check, Duration lease, Duration idle, Duration backoffMin, Duration backoffMax,
                             int backfillPriority) {

    public static final Setting<Long> CHECK_MS = Setting.longValue("follow.check_ms", 10_000,
            "how often this node renews its follows and looks for watched instances nobody follows, in ms");
    public static final Setting<Long> LEASE_S = Setting.longValue("follow.lease_s", 30,
            "how long a node's hold on following an instance lasts without renewal; another node takes over after it, in s");
    public static final Setting<Long> IDLE_S = Setting.longValue("follow.idle_s", 60,
            "a stream silent this long (no event, no heartbeat) is reconnected, in s");
    public static final Setting<Long> BACKOFF_MIN_MS = Setting.longValue("follow.backoff_min_ms", 1_000,
            "first wait before reconnecting a failed stream, doubled (with jitter) up to follow.backoff_max_s, in ms");
    public static final Setting<Long> BACKOFF_MAX_S = Setting.longValue("follow.backoff_max_s", 300,
            "longest wait between reconnects, in s");
    public static final Setting<Integer> BACKFILL_PRIORITY = Setting.integer("follow.backfill_priority", -100,
            "queue priority of backfilled media (live media have 0 and more, so they always go first)");
    public static final List<Setting<?>> KEYS = List.of(CHECK_MS, LEASE_S, IDLE_S, BACKOFF_MIN_MS, BACKOFF_MAX_S,
            BACKFILL_PRIORITY);

    public static FollowSettings from(Config config) {
        long check = positive(CHECK_MS, config);
        long lease = positive(LEASE_S, config);
        long idle = positive(IDLE_S, config);
        long backoffMin = positive(BACKOFF_MIN_MS, config);
        long backoffMax = positive(BACKOFF_MAX_S, config);
        // a lease that lapses before its next renewal would pass the follow from node to node
        if (Duration.ofSeconds(lease).compareTo(Duration.ofMillis(check)) <= 0) {
            throw new ConfigException(LEASE_S.name() + " (" + lease + " s) must be longer than " + CHECK_MS.name()
                    + " (" + check + " ms): the lease is renewed at every check");
        }
        if (Duration.ofSeconds(backoffMax).compareTo(Duration.ofMillis(backoffMin)) < 0) {
            throw new ConfigException(BACKOFF_MAX_S.name() + " (" + backoffMax + " s) must be at least "
                    + BACKOFF_MIN_MS.name() + " (" + backoffMin + " ms)");
        }
        return new FollowSettings(Duration.ofMillis(check), Duration.ofSeconds(lease), Duration.ofSeconds(idle),
                Duration.ofMillis(backoffMin), Duration.ofSeconds(backoffMax), BACKFILL_PRIORITY.from(config));
    }

    private static long positive(Setting<Long> setting, Config config) {
        long value = setting.from(config);
        if (value <= 0) throw new ConfigException(setting.name() + " must be positive, got " + value);
        return value;
    }
}
