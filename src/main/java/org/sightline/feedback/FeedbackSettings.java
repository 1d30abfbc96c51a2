package org.sightline.feedback;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.time.Duration;
import java.util.List;

/** How soon an opinion that a list's publisher or an exchange did not take is tried again. */
public record FeedbackSettings(Duration retry) {

    public static final Setting<Integer> RETRY_SECONDS = Setting.integer("feedback.retry_seconds", 60,
            "seconds before an opinion on a shared entry that its publisher or exchange did not take is sent again;"
                    + " doubled after each failed attempt, up to 6 hours");
    public static final List<Setting<?>> KEYS = List.of(RETRY_SECONDS);

    public static FeedbackSettings from(Config config) {
        return new FeedbackSettings(Duration.ofSeconds(Math.max(1, RETRY_SECONDS.from(config))));
    }
}
