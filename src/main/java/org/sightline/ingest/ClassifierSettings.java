package org.sightline.ingest;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The in-process image classifier (nsfwjs MobileNetV2): where it runs, and where its model comes from. */
public record ClassifierSettings(boolean enabled, Set<String> disabledInstances, Optional<String> modelDir) {

    public static final Setting<Boolean> ENABLED = Setting.bool("classifier.local.enabled", true,
            "run the local image classifier on every scanned image (no media leave the server)");
    public static final Setting<String> DISABLED_INSTANCES = Setting.string("classifier.local.disabled_instances", "",
            "comma-separated names of instances whose media the local classifier skips");
    public static final Setting<Optional<String>> MODEL_DIR = Setting.optional("classifier.local.model_dir",
            "the bundled model", "directory holding model.json and its weight shards, instead of the bundled model");
    public static final List<Setting<?>> KEYS = List.of(ENABLED, DISABLED_INSTANCES, MODEL_DIR);

    public static ClassifierSettings from(Config config) {
        Set<String> off = Arrays.stream(DISABLED_INSTANCES.from(config).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new ClassifierSettings(ENABLED.from(config), off, MODEL_DIR.from(config));
    }

    /** Whether media of this instance (null: not from an instance) are classified locally. */
    public boolean runsFor(String instanceName) {
        return enabled && (instanceName == null || !disabledInstances.contains(instanceName));
    }
}
