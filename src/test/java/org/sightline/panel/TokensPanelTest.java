package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The admins' /tokens page: every API token with its use, and a revoke button. */
class TokensPanelTest {
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    PanelClient login(String name) {
        PanelClient c = new PanelClient(server.base);
        assertThat(c.login(name, PASSWORD).status()).isIn(302, 303);
        return c;
    }

    @Test
    void an_admin_sees_the_tokens_and_revokes_one_with_the_form() {
        String scanner = server.token("scanner", Scope.SCAN, Scope.MATCH);
        assertThat(server.get("/api/v1/media", scanner).status()).isNotIn(401, 403);
        long id = server.deps.tokens().list().get(0).id();

        PanelClient ada = login("ada");
        PanelClient.Page page = ada.get("/tokens");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("scanner").contains("match, scan").contains("from 127.0.0.1")
                .contains("action=\"/tokens/" + id + "/revoke\"").doesNotContain(scanner);

        // without the session's CSRF token: refused, the token still works
        assertThat(ada.post("/tokens/" + id + "/revoke").status()).isEqualTo(403);
        assertThat(server.get("/api/v1/media", scanner).status()).isNotIn(401, 403);
        // a moderator may not see or revoke
        PanelClient mia = login("mia");
        assertThat(mia.get("/tokens").status()).isEqualTo(403);
        assertThat(mia.postForm("/tokens/" + id + "/revoke").status()).isEqualTo(403);

        PanelClient.Page revoked = ada.postForm("/tokens/" + id + "/revoke");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body()).contains("scanner").contains("revoked: it no longer works").doesNotContain("action=\"/tokens/" + id + "/revoke\"");
        assertThat(server.get("/api/v1/media", scanner).status()).isEqualTo(401);
        assertThat(server.deps.audit().search("", "token_revoke", "token:scanner", Long.MAX_VALUE, 10))
                .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ada"));
        assertThat(ada.postForm("/tokens/" + id + "/revoke").status()).isEqualTo(404);
    }

    @Test
    void an_admin_creates_a_token_bound_to_an_instance_and_sees_its_secret_once() {
        server.deps.instances().add(new org.sightline.instances.InstanceService.NewInstance("social", "pictrs",
                "https://social.example", "0123456789abcdef0123", null, null, null, null));
        PanelClient ada = login("ada");
        ada.get("/tokens");
        PanelClient.Page created = ada.postForm("/tokens", "name", "panel-bot", "scope", "scan",
                "scope", "match", "instance", "social", "expires", "30d");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.raw().headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        String secret = created.body().replaceAll("(?s).*<code id=\"token-secret\">([^<]+)</code>.*", "$1");
        assertThat(secret).startsWith("stl_");
        assertThat(server.get("/api/v1/media?instance=social&status=done", secret).status()).isEqualTo(200);
        PanelClient.Page page = ada.get("/tokens");
        assertThat(page.body()).contains("panel-bot").contains("<td>social</td>").doesNotContain(secret);
        assertThat(server.deps.tokens().list()).anySatisfy(t -> {
            assertThat(t.name()).isEqualTo("panel-bot");
            assertThat(t.instanceName()).isEqualTo("social");
            assertThat(t.expiresAt()).isNotNull();
        });
        assertThat(server.deps.audit().search("", "token_create", "token:panel-bot", Long.MAX_VALUE, 5))
                .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ada"));

        PanelClient.Page bad = ada.postForm("/tokens", "name", "bad", "scope", "scan", "instance", "nowhere");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("no connected instance named");
        // a moderator may not create tokens
        PanelClient mia = login("mia");
        mia.get("/");
        assertThat(mia.postForm("/tokens", "name", "sneaky", "scope", "admin").status()).isEqualTo(403);
    }
}
