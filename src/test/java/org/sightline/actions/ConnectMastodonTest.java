package org.sightline.actions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;
import org.sightline.instances.MastodonConnect;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Connecting a Mastodon instance through OAuth against the fake instance. */
class ConnectMastodonTest {
    @TempDir
    Path data;

    /** The decoded query parameters of {@code url}. */
    static Map<String, String> query(String url) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return q;
    }

    @Test
    void asks_only_for_the_scopes_the_chosen_actions_need() {
        assertThat(MastodonConnect.scopesFor(Set.of("report"))).isEqualTo("write:reports");
        assertThat(MastodonConnect.scopesFor(Set.of("report", "account_action")))
                .isEqualTo("admin:read:accounts admin:write:accounts write:reports");
    }

    @Test
    void the_oauth_connection_flow_completes_and_the_token_is_stored_encrypted() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data)
                     .with("http.public_url", "https://sightline.example"))) {
            server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                    null, null, null, null, null));
            String admin = server.token("admin", Scope.ADMIN);
            TestServer.Response started = server.postJson("/api/v1/instances/social/connect", admin,
                    "{\"actions\": [\"report\"]}");
            assertThat(started.status()).isEqualTo(200);
            String authorize = started.json().get("authorize_url").asText();
            assertThat(authorize).startsWith(mastodon.url() + "/oauth/authorize?");
            Map<String, String> q = query(authorize);
            assertThat(q).containsEntry("client_id", "fake-client-id").containsEntry("scope", "write:reports")
                    .containsEntry("redirect_uri", "https://sightline.example/instances/social/oauth/callback");
            FakeMastodon.Call app = mastodon.calls("/api/v1/apps").get(0);
            assertThat(app.one("scopes")).isEqualTo("write:reports");

            // a forged callback is refused
            assertThat(server.get("/instances/social/oauth/callback?code=good-code&state=forged", null).status()).isEqualTo(400);
            // the admin approves; the instance redirects the browser back with the code and the state
            TestServer.Response done = server.get("/instances/social/oauth/callback?code=good-code&state="
                    + java.net.URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8), null);
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            assertThat(done.json().get("webhook_path").asText()).isEqualTo("/hooks/mastodon/social");
            Instance social = server.deps.instances().find("social").orElseThrow();
            assertThat(server.deps.instances().apiToken(social)).contains(FakeMastodon.TOKEN);
            assertThat(social.apiToken()).startsWith("v1:").doesNotContain(FakeMastodon.TOKEN);
            // the state is single-use
            assertThat(server.get("/instances/social/oauth/callback?code=good-code&state="
                    + java.net.URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8), null).status()).isEqualTo(400);
            assertThat(server.get("/api/v1/instances/social", admin).json().get("has_token").asBoolean()).isTrue();
        }
    }
}
