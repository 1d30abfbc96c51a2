package org.sightline.actions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin configured wrongly in the configuration file can still be fixed or switched off from the panel. */
class PluginSettingsTest {
    @TempDir
    Path data;

    private static TestServer.Response put(TestServer server, String admin, String body) {
        return server.send("PUT", "/api/v1/plugins/http_classifier", admin, "application/json", body, null);
    }

    @Test
    void a_wrong_configured_value_does_not_block_switching_off_or_fixing_other_fields() {
        try (TestServer server = new TestServer(Config.defaults().with("data.dir", data)
                .with("plugins.http_classifier.threshold", "2").with("plugins.http_classifier.timeout_ms", "5s"))) {
            String admin = server.token("root", Scope.ADMIN);
            assertThat(put(server, admin, "{\"enabled\":false}").status()).isEqualTo(200);
            assertThat(server.deps.plugins().switchedOn("http_classifier")).isFalse();
            // a change that fixes one thing is not refused for another the configuration got wrong
            assertThat(put(server, admin, "{\"settings\":{\"timeout_ms\":\"3000\"}}").status()).isEqualTo(200);
            // but a change that brings a new problem is, with a 400 rather than a server error
            TestServer.Response refused = put(server, admin, "{\"settings\":{\"timeout_ms\":\"30\"}}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("message").asText()).isEqualTo("timeout_ms must be from 100 to 60000");
            assertThat(put(server, admin, "{\"settings\":{\"threshold\":\"0.7\"}}").status()).isEqualTo(200);
            assertThat(server.deps.plugins().settings("http_classifier")).containsEntry("threshold", "0.7")
                    .containsEntry("timeout_ms", "3000");
        }
    }

    @Test
    void an_over_long_value_or_an_unknown_plugin_is_refused_and_nothing_is_saved() {
        try (TestServer server = new TestServer(Config.defaults().with("data.dir", data))) {
            String admin = server.token("root", Scope.ADMIN);
            TestServer.Response tooLong = put(server, admin, "{\"settings\":{\"token\":\"" + "t".repeat(2001) + "\"}}");
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().get("message").asText()).isEqualTo("token is over 2000 characters");
            assertThat(put(server, admin, "{\"settings\":[\"url\"]}").status()).isEqualTo(400);
            assertThat(put(server, admin, "not json").status()).isEqualTo(400);
            assertThat(server.send("PUT", "/api/v1/plugins/nope", admin, "application/json", "{}", null).status())
                    .isEqualTo(404);
            assertThat(server.deps.plugins().settings("http_classifier")).doesNotContainKey("token");
        }
    }

    @Test
    void a_switch_that_is_neither_on_nor_off_stops_the_start() {
        assertThatThrownBy(() -> new TestServer(Config.defaults().with("data.dir", data)
                .with("plugins.webhook.enabled", "perhaps")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("plugins.webhook.enabled must be true or false");
    }
}
