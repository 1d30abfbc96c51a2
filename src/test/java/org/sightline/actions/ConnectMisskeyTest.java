package org.sightline.actions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;
import org.sightline.instances.MisskeyConnect;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Connecting a Misskey instance with MiAuth: approved by a moderator, the token is fetched once and sealed. */
class ConnectMisskeyTest {
    @TempDir
    Path data;

    /** The browser coming back from Misskey's approval page (redirects not followed). */
    private static HttpResponse<String> callback(TestServer server, String session) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base
                + "/instances/mk/miauth/callback?session=" + session)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String session(String approvalUrl) {
        String path = URI.create(approvalUrl).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Test
    void asks_only_for_the_permissions_the_chosen_actions_need() {
        assertThat(MisskeyConnect.permissionsFor(Set.of("report"))).isEqualTo("read:admin:drive,write:report-abuse");
        assertThat(MisskeyConnect.permissionsFor(Set.of("mark_sensitive", "delete", "account_action")))
                .isEqualTo("read:admin:drive,write:admin:suspend-user,write:admin:unsuspend-user,write:drive,write:notes");
    }

    @Test
    void a_moderators_approval_connects_the_instance_once_and_forged_or_unapproved_sessions_do_not() throws Exception {
        try (FakeMisskey misskey = new FakeMisskey();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data)
                     .with("http.public_url", "https://sightline.example").with("misskey.poll_interval_s", 0))) {
            server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(), null, null, null, null, null));
            String admin = server.token("admin", Scope.ADMIN);
            TestServer.Response started = server.postJson("/api/v1/instances/mk/connect", admin,
                    "{\"actions\": [\"report\", \"delete\"]}");
            assertThat(started.status()).as(started.body()).isEqualTo(200);
            String approval = started.json().get("authorize_url").asText();
            assertThat(approval).startsWith(misskey.url() + "/miauth/");
            assertThat(ConnectMastodonTest.query(approval)).containsEntry("name", "Sightline")
                    .containsEntry("callback", "https://sightline.example/instances/mk/miauth/callback")
                    .containsEntry("permission", "read:admin:drive,write:notes,write:report-abuse");
            String session = session(approval);
            assertThat(session).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

            // a forged session is refused and does not use up the real one
            assertThat(callback(server, "00000000-0000-4000-8000-000000000000").statusCode()).isEqualTo(400);
            misskey.approve(session, true);
            HttpResponse<String> back = callback(server, session);
            assertThat(back.statusCode()).isEqualTo(302);
            assertThat(back.headers().firstValue("Location")).contains("/instances?connected=mk");
            Instance mk = server.deps.instances().find("mk").orElseThrow();
            assertThat(server.deps.instances().apiToken(mk)).contains(FakeMisskey.TOKEN);
            assertThat(mk.apiToken()).startsWith("v1:").doesNotContain(FakeMisskey.TOKEN);
            // the session is used up
            assertThat(callback(server, session).statusCode()).isEqualTo(400);
            // before keeping the token, Sightline asked the instance whether it may do what only moderators may
            assertThat(misskey.calls("admin/drive/files")).singleElement()
                    .satisfies(c -> assertThat(c.text("i")).isEqualTo(FakeMisskey.TOKEN));
        }
    }

    @Test
    void an_approval_by_someone_who_is_not_a_moderator_or_no_approval_stores_nothing() throws Exception {
        try (FakeMisskey misskey = new FakeMisskey();
             TestServer server = new TestServer(Config.defaults().with("data.dir", data).with("misskey.poll_interval_s", 0))) {
            server.deps.instances().add(new InstanceService.NewInstance("mk", "misskey", misskey.url(), null, null, null, null, null));
            String admin = server.token("admin", Scope.ADMIN);
            String first = session(server.postJson("/api/v1/instances/mk/connect", admin, "{}").json()
                    .get("authorize_url").asText());
            misskey.approve(first, false);
            HttpResponse<String> refused = callback(server, first);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("not a moderator");

            String second = session(server.postJson("/api/v1/instances/mk/connect", admin, "{}").json()
                    .get("authorize_url").asText());
            HttpResponse<String> unapproved = callback(server, second);
            assertThat(unapproved.statusCode()).isEqualTo(502);
            assertThat(unapproved.body()).contains("was it approved?");

            // an approval started long ago has expired, even if the admin approves it now
            String third = session(server.postJson("/api/v1/instances/mk/connect", admin, "{}").json()
                    .get("authorize_url").asText());
            server.deps.database().jdbi().useHandle(h -> h.execute("UPDATE instances SET oauth_started_at = ?",
                    java.time.Instant.now().minus(java.time.Duration.ofMinutes(31))));
            misskey.approve(third, true);
            HttpResponse<String> expired = callback(server, third);
            assertThat(expired.statusCode()).isEqualTo(400);
            assertThat(expired.body()).contains("over 30 minutes old");
            assertThat(server.deps.instances().find("mk").orElseThrow().apiToken()).isNull();
        }
    }
}
