package org.sightline.review;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How long the pictures of scanned media are kept: only while they serve moderation. */
public record RetentionSettings(Duration passedMedia, Duration decidedCases, Duration purgeInterval) {

    public static final Setting<Integer> PASSED_MEDIA_DAYS = Setting.integer("retention.passed_media_days", 7,
            "days the colour and blurred copies of media that passed (no case) are kept; their hashes stay");
    public static final Setting<Integer> CASE_DAYS = Setting.integer("retention.case_days", 365,
            "days after a case is decided that its pictures are kept; the case keeps its record");
    public static final Setting<Long> PURGE_INTERVAL_S = Setting.longValue("retention.purge_interval_s", 3600,
            "how often pictures past their retention are deleted, in s (0: never)");
    public static final List<Setting<?>> KEYS = List.of(PASSED_MEDIA_DAYS, CASE_DAYS, PURGE_INTERVAL_S);

    public static RetentionSettings from(Config config) {
        int passed = PASSED_MEDIA_DAYS.from(config);
        int cases = CASE_DAYS.from(config);
        if (passed < 0 || cases < 0) throw new IllegalArgumentException("retention days cannot be negative");
        return new RetentionSettings(Duration.ofDays(passed), Duration.ofDays(cases),
                Duration.ofSeconds(PURGE_INTERVAL_S.from(config)));
    }
}
