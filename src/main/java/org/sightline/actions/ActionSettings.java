package org.sightline.actions;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How actions are carried out, how long quarantined evidence is kept, where plugins come from. */
public record ActionSettings(int workers, int maxAttempts, Duration lease, Duration backoff, Duration quarantineRetention,
                             Duration pluginRefresh, Duration quarantinePurgeInterval) {

    public static final Setting<Integer> WORKERS = Setting.integer("actions.workers", 2,
            "action requests carried out at once on this node");
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("actions.max_attempts", 6,
            "attempts before an action fails");
    public static final Setting<Long> LEASE_MS = Setting.longValue("actions.lease_ms", 120_000,
            "how long a claimed action stays with its worker before another node may take it, in ms");
    public static final Setting<Long> BACKOFF_MS = Setting.longValue("actions.backoff_ms", 2_000,
            "base wait before a failed action is tried again, in ms");
    public static final Setting<Integer> QUARANTINE_RETENTION_DAYS = Setting.integer("quarantine.retention_days", 90,
            "how long quarantined evidence is kept, in days");
    public static final Setting<Long> QUARANTINE_PURGE_INTERVAL_S = Setting.longValue("quarantine.purge_interval_s",
            3600, "how often evidence past its retention is deleted, in s (0: only when the quarantine is read)");
    public static final Setting<Long> PLUGINS_REFRESH_MS = Setting.longValue("plugins.refresh_ms", 5_000,
            "how soon a node sees plugin settings another node changed, in ms");
    public static final Setting<java.util.Optional<String>> PLUGINS_DIR = Setting.optional("plugins.dir",
            "plugins/ beside data.dir", "where plugin jars are loaded from");
    public static final List<Setting<?>> KEYS = List.of(WORKERS, MAX_ATTEMPTS, LEASE_MS, BACKOFF_MS,
            QUARANTINE_RETENTION_DAYS, QUARANTINE_PURGE_INTERVAL_S, PLUGINS_REFRESH_MS, PLUGINS_DIR);
    /** plugins.<name>.<field>: declared by each plugin's configuration schema, so not listed here. */
    public static final String PLUGIN_PREFIX = "plugins.";

    public static ActionSettings from(Config config) {
        return new ActionSettings(WORKERS.from(config), MAX_ATTEMPTS.from(config), Duration.ofMillis(LEASE_MS.from(config)),
                Duration.ofMillis(BACKOFF_MS.from(config)), Duration.ofDays(QUARANTINE_RETENTION_DAYS.from(config)),
                Duration.ofMillis(PLUGINS_REFRESH_MS.from(config)), Duration.ofSeconds(QUARANTINE_PURGE_INTERVAL_S.from(config)));
    }
}
