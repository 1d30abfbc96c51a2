package org.sightline.ingest.misskey;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How Misskey instances are polled for new uploads. */
public record MisskeySettings(Duration pollInterval, String origin, int maxPages, Duration settle) {

    public static final Setting<Long> POLL_INTERVAL_S = Setting.longValue("misskey.poll_interval_s", 60,
            "how often Misskey instances are polled for new images, in s (0: never; Poll now still works)");
    public static final Setting<String> ORIGIN = Setting.string("misskey.origin", "local",
            "whose uploads are polled (local, remote, combined)");
    public static final Setting<Integer> MAX_PAGES = Setting.integer("misskey.max_pages", 10,
            "pages of 100 files read per instance and round");
    public static final Setting<Long> SETTLE_S = Setting.longValue("misskey.settle_s", 300,
            "how long recent files are read again, for uploads stored after newer ones, in s");
    public static final List<Setting<?>> KEYS = List.of(POLL_INTERVAL_S, ORIGIN, MAX_PAGES, SETTLE_S);

    public static MisskeySettings from(Config config) {
        return new MisskeySettings(Duration.ofSeconds(POLL_INTERVAL_S.from(config)), ORIGIN.from(config),
                MAX_PAGES.from(config), Duration.ofSeconds(SETTLE_S.from(config)));
    }
}
