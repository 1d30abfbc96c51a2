package org.sightline.decide;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.util.List;

/** The decision rules an admin tunes. */
public record DecideSettings(double adultThreshold) {
    static final double ADULT_THRESHOLD_DEFAULT = 0.9;

    public static final Setting<Double> ADULT_THRESHOLD = Setting.decimal("decide.unmarked_adult_threshold",
            ADULT_THRESHOLD_DEFAULT, "classifier porn + hentai (combined over classifiers by maximum) at which a post"
                    + " not marked sensitive opens a low-priority case suggesting mark_sensitive; over 2: never");
    public static final List<Setting<?>> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of(ADULT_THRESHOLD),
            RiskWeights.KEYS.stream()).toList();

    public static DecideSettings from(Config config) {
        return new DecideSettings(ADULT_THRESHOLD.from(config));
    }
}
