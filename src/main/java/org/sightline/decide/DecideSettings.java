package org.sightline.decide;

import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.Setting;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The decision rules an admin tunes, globally and per instance. */
public record DecideSettings(double adultThreshold, Map<String, Double> adultThresholds) {
    static final double ADULT_THRESHOLD_DEFAULT = 0.9;

    public static final Setting<Double> ADULT_THRESHOLD = Setting.decimal("decide.unmarked_adult_threshold",
            ADULT_THRESHOLD_DEFAULT, "classifier porn + hentai (combined over classifiers by maximum) at which a post"
                    + " not marked sensitive opens a low-priority case suggesting mark_sensitive; over 2: never");
    public static final Setting<String> ADULT_THRESHOLDS = Setting.string("decide.unmarked_adult_thresholds", "",
            "per-instance overrides of decide.unmarked_adult_threshold as NAME=VALUE pairs separated by commas"
                    + " (e.g. art=0.97,family=0.6; over 2: never for that instance)");
    public static final List<Setting<?>> KEYS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(ADULT_THRESHOLD, ADULT_THRESHOLDS), RiskWeights.KEYS.stream()).toList();

    public DecideSettings {
        adultThresholds = Map.copyOf(adultThresholds);
    }

    public static DecideSettings from(Config config) {
        Map<String, Double> perInstance = new HashMap<>();
        for (String pair : ADULT_THRESHOLDS.from(config).split(",")) {
            if (pair.isBlank()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq).trim();
            Double value = null;
            try {
                if (eq > 0) value = Double.valueOf(pair.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                value = null;
            }
            if (name.isEmpty() || value == null || value.isNaN() || value < 0) {
                throw new ConfigException(ADULT_THRESHOLDS.name() + ": \"" + pair.trim()
                        + "\" is not NAME=VALUE with a number of 0 or more");
            }
            if (perInstance.put(name, value) != null) {
                throw new ConfigException(ADULT_THRESHOLDS.name() + ": instance " + name + " is given twice");
            }
        }
        return new DecideSettings(ADULT_THRESHOLD.from(config), perInstance);
    }

    /** The threshold for media of this instance (null: not from an instance). */
    public double adultThresholdFor(String instanceName) {
        return instanceName == null ? adultThreshold : adultThresholds.getOrDefault(instanceName, adultThreshold);
    }
}
