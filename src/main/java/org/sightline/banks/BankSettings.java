package org.sightline.banks;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** Keeping the in-memory bank index in step with the database. */
public record BankSettings(Duration indexCheckInterval) {

    public static final Setting<Long> INDEX_CHECK_S = Setting.longValue("banks.index_check_interval_s", 300,
            "how often the match index is compared with the database's active entries (a difference is rebuilt), "
                    + "in s (0: never; a failed index update is repaired at once either way)");

    public static final List<Setting<?>> KEYS = List.of(INDEX_CHECK_S);

    public static BankSettings from(Config config) {
        return new BankSettings(Duration.ofSeconds(INDEX_CHECK_S.from(config)));
    }
}
