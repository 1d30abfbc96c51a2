package org.sightline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KnownKeysTest {
    @TempDir
    Path dir;

    private final KnownKeys known = new KnownKeys(List.of(
            Setting.longValue("lists.sync_interval_s", 900, "how often subscriptions sync"),
            Setting.longValue("lists.flood_check_s", 60, "how often flood control looks"),
            Setting.integer("http.port", 8080, "the port"),
            Setting.longValue("plugins.refresh_ms", 5_000, "plugin settings refresh")),
            List.of("plugins."));

    @Test
    void an_unknown_key_in_the_yaml_file_is_reported_with_the_closest_known_key_and_without_its_value()
            throws IOException {
        Path yaml = Files.writeString(dir.resolve("sightline.yaml"), """
                lists:
                  sync_intervl_s: 60
                  flood_check_s: 30
                http:
                  port: 9000
                  pasword: hunter2
                """);
        List<String> problems = known.unknownKeys(Config.load(yaml, Map.of()));
        assertThat(problems).containsExactly(
                "unknown configuration key http.pasword is ignored; did you mean http.port?",
                "unknown configuration key lists.sync_intervl_s is ignored; did you mean lists.sync_interval_s?");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2").doesNotContain("60");
    }

    @Test
    void an_unknown_environment_variable_is_reported_with_the_closest_known_one() {
        Config config = Config.load(null, Map.of(
                "SIGHTLINE_LISTS_SYNC_INTERVAL", "60",
                "SIGHTLINE_LISTS_FLOOD_CHECK_S", "30",
                "PATH", "/usr/bin"));
        assertThat(known.unknownKeys(config)).containsExactly(
                "unknown environment variable SIGHTLINE_LISTS_SYNC_INTERVAL is ignored;"
                        + " did you mean SIGHTLINE_LISTS_SYNC_INTERVAL_S (lists.sync_interval_s)?");
    }

    @Test
    void plugin_settings_are_known_by_their_prefix_but_a_mistyped_plugins_key_is_not() throws IOException {
        Path yaml = Files.writeString(dir.resolve("sightline.yaml"), """
                plugins:
                  refresh_mss: 100
                  webhook:
                    url: https://hooks.example/x
                """);
        Config config = Config.load(yaml, Map.of("SIGHTLINE_PLUGINS_CLASSIFIER_TOKEN", "secret"));
        assertThat(known.unknownKeys(config)).containsExactly(
                "unknown configuration key plugins.refresh_mss is ignored; did you mean plugins.refresh_ms?");
    }

    @Test
    void a_configuration_of_known_keys_has_no_problems() {
        Config config = Config.load(null, Map.of("SIGHTLINE_HTTP_PORT", "9000")).with("lists.flood_check_s", 5);
        assertThat(known.unknownKeys(config)).isEmpty();
    }

    @Test
    void edit_distance_counts_insertions_deletions_and_substitutions() {
        assertThat(KnownKeys.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(KnownKeys.distance("", "abc")).isEqualTo(3);
        assertThat(KnownKeys.distance("same", "same")).isZero();
    }
}
