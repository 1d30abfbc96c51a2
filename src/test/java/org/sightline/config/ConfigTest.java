package org.sightline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_run_with_nothing_set() {
        Config config = Config.load(null, Map.of());
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.maxPixels()).isEqualTo(50_000_000L);
        assertThat(config.maxMediaBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(config.bool("fetch.allow_private_addresses", false)).isFalse();
    }

    @Test
    void environment_overrides_the_yaml_file() throws IOException {
        Path yaml = Files.writeString(dir.resolve("sightline.yaml"), """
                http:
                  port: 9000
                  host: 0.0.0.0
                fetch:
                  allow_private_addresses: false
                """);
        Config config = Config.load(yaml, Map.of(
                "SIGHTLINE_HTTP_PORT", "9100",
                "SIGHTLINE_FETCH_ALLOW_PRIVATE_ADDRESSES", "true",
                "SIGHTLINE_DATA_DIR", "/srv/sightline",
                "PATH", "/usr/bin"));
        assertThat(config.httpPort()).isEqualTo(9100);
        assertThat(config.httpHost()).isEqualTo("0.0.0.0");
        assertThat(config.bool("fetch.allow_private_addresses", false)).isTrue();
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/sightline"));
    }

    @Test
    void malformed_values_give_a_clear_error() {
        Config config = Config.load(null, Map.of("SIGHTLINE_HTTP_PORT", "eighty"));
        assertThatThrownBy(config::httpPort).isInstanceOf(ConfigException.class)
                .hasMessage("http.port must be a whole number, got 'eighty'");
    }

    @Test
    void unreadable_yaml_is_reported_with_its_path() throws IOException {
        Path yaml = Files.writeString(dir.resolve("bad.yaml"), "http: [unclosed");
        assertThatThrownBy(() -> Config.load(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml");
    }

    @Test
    void environment_variables_reach_keys_with_underscores_without_a_yaml_entry() {
        Config config = Config.load(null, Map.of(
                "SIGHTLINE_LISTS_FLOOD_MAX_PER_HOUR", "7",
                "SIGHTLINE_PANEL_LOGIN_FAILURE_WINDOW_MINUTES", "3",
                "SIGHTLINE_PLUGINS_WEBHOOK_URL", "https://hooks.example/x"));
        assertThat(config.longValue("lists.flood_max_per_hour", 100)).isEqualTo(7);
        assertThat(config.longValue("panel.login_failure_window_minutes", 15)).isEqualTo(3);
        assertThat(config.get("plugins.webhook.url")).contains("https://hooks.example/x");
        assertThat(config.get("lists.flood_max")).isEmpty();
    }

    @Test
    void a_value_given_in_code_overrides_the_environment() {
        Config config = Config.load(null, Map.of("SIGHTLINE_HTTP_PORT", "9100")).with("http.port", 0);
        assertThat(config.httpPort()).isZero();
    }
}
