package org.sightline.auth;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.audit.AuditEvent;
import org.sightline.config.Config;
import org.sightline.federation.KeyFiles;

import java.security.SecureRandom;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #18: API tokens listed, revoked and expiring; subscriber tokens of published lists likewise. */
class TokensTest {
    @TempDir
    Path dir;
    TestServer server;
    String root;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        root = server.token("root", Scope.ADMIN);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, Map.of("SIGHTLINE_DATA_DIR", dir.toString()), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    List<AuditEvent> audit(String action) {
        return server.deps.audit().search("", action, "", Long.MAX_VALUE, 100);
    }

    JsonNode listed(String name) {
        TestServer.Response r = server.get("/api/v1/tokens", root);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        for (JsonNode t : r.json().get("tokens")) {
            if (t.get("name").asText().equals(name)) return t;
        }
        throw new AssertionError("no token " + name + " in " + r.body());
    }

    @Test
    void the_api_lists_tokens_without_their_secrets_and_records_the_last_use_at_most_once_a_minute() {
        String scanner = server.token("scanner", Scope.SCAN, Scope.MATCH);
        assertThat(listed("scanner").get("last_used_at").isNull()).isTrue();
        assertThat(server.get("/api/v1/media", scanner).status()).isNotIn(401, 403);

        TestServer.Response r = server.get("/api/v1/tokens", root);
        assertThat(r.body()).doesNotContain(scanner).doesNotContain(scanner.substring(4))
                .doesNotContain(TokenService.hash(scanner));
        JsonNode t = listed("scanner");
        assertThat(t.get("scopes")).extracting(JsonNode::asText).containsExactly("match", "scan");
        assertThat(t.get("created_at").asText()).isNotBlank();
        assertThat(t.get("expires_at").isNull()).isTrue();
        String firstUse = t.get("last_used_at").asText();
        assertThat(Instant.parse(firstUse)).isAfter(Instant.now().minusSeconds(60));
        assertThat(t.get("last_used_from").asText()).isEqualTo("127.0.0.1");

        // within the minute, further requests do not write again
        assertThat(server.get("/api/v1/media", scanner).status()).isNotIn(401, 403);
        assertThat(listed("scanner").get("last_used_at").asText()).isEqualTo(firstUse);
        // a minute later they do
        server.deps.database().jdbi().useHandle(h -> h.createUpdate(
                "UPDATE api_tokens SET last_used_at = :at WHERE name = 'scanner'")
                .bind("at", Instant.now().minus(Duration.ofMinutes(2))).execute());
        server.get("/api/v1/media", scanner);
        assertThat(Instant.parse(listed("scanner").get("last_used_at").asText())).isAfter(Instant.now().minusSeconds(60));

        // only admin tokens may list
        assertThat(server.get("/api/v1/tokens", scanner).status()).isEqualTo(403);
    }

    @Test
    void a_token_revoked_over_the_api_fails_at_once_and_the_revocation_is_audited() {
        String scanner = server.token("scanner", Scope.SCAN);
        long id = listed("scanner").get("id").asLong();
        assertThat(server.send("DELETE", "/api/v1/tokens/" + id, scanner, null, null, null).status()).isEqualTo(403);

        TestServer.Response r = server.send("DELETE", "/api/v1/tokens/" + id, root, null, null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("revoked").get("name").asText()).isEqualTo("scanner");
        assertThat(server.get("/api/v1/media", scanner).status()).isEqualTo(401);
        assertThat(server.send("DELETE", "/api/v1/tokens/" + id, root, null, null, null).status()).isEqualTo(404);
        assertThat(audit("token_revoke")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("token:root");
            assertThat(e.target()).isEqualTo("token:scanner");
        });
        // the name can be used again
        assertThat(server.get("/api/v1/media", server.token("scanner", Scope.SCAN)).status()).isNotIn(401, 403);
    }

    @Test
    void an_expired_token_is_refused_by_the_lookup_itself() {
        TokenService.Created c = server.deps.tokens().create("brief", Set.of(Scope.SCAN), Duration.ofHours(1), null, "test");
        assertThat(c.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(server.get("/api/v1/media", c.token()).status()).isNotIn(401, 403);
        assertThat(listed("brief").get("expires_at").asText()).isEqualTo(c.expiresAt().toString());
        server.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE api_tokens SET expires_at = :at WHERE name = 'brief'")
                .bind("at", Instant.now().minusSeconds(1)).execute());
        assertThat(server.get("/api/v1/media", c.token()).status()).isEqualTo(401);
        assertThat(audit("token_create")).anySatisfy(e -> assertThat(e.detail()).contains("expires="));
    }

    @Test
    void token_list_and_revoke_on_the_command_line_go_through_the_running_server() {
        Run created = run("token", "create", "ci-bot", "--scopes", "match,banks:read", "--expires", "90d");
        assertThat(created.exit()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(server.get("/api/v1/banks", token).status()).isEqualTo(200);
        assertThat(Instant.parse(listed("ci-bot").get("expires_at").asText()))
                .isBetween(Instant.now().plus(Duration.ofDays(89)), Instant.now().plus(Duration.ofDays(91)));

        Run list = run("token", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("ci-bot\tbanks:read,match\t").contains("root\tadmin\t").doesNotContain(token);

        Run bad = run("token", "create", "other", "--scopes", "match", "--expires", "90m");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("90d or 12h");

        Run revoked = run("token", "revoke", "ci-bot");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked token 'ci-bot'");
        assertThat(server.get("/api/v1/banks", token).status()).isEqualTo(401);
        assertThat(audit("token_revoke")).singleElement().satisfies(e -> assertThat(e.actor()).startsWith("cli:"));
        Run again = run("token", "revoke", "ci-bot");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("no token 'ci-bot'");

        // by id
        String other = run("token", "create", "by-id", "--scopes", "scan").out().strip();
        long id = listed("by-id").get("id").asLong();
        assertThat(run("token", "revoke", String.valueOf(id)).exit()).isZero();
        assertThat(server.get("/api/v1/media", other).status()).isEqualTo(401);
    }

    @Test
    void token_list_and_revoke_open_the_database_when_no_server_runs() {
        server.token("offline-bot", Scope.MATCH);
        server.close();
        server = null;
        Run list = run("token", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("offline-bot\tmatch\t");
        Run revoked = run("token", "revoke", "offline-bot");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(run("token", "list").out()).doesNotContain("offline-bot");
        Run created = run("token", "create", "later", "--scopes", "scan", "--expires", "12h");
        assertThat(created.exit()).as(created.err()).isZero();
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        assertThat(server.get("/api/v1/media", created.out().strip()).status()).isNotIn(401, 403);
        assertThat(audit("token_revoke")).singleElement().satisfies(e -> assertThat(e.actor()).startsWith("cli:"));
    }

    @Test
    void subscriber_tokens_of_a_list_are_listed_and_revoked_at_once() {
        new KeyFiles(dir).generate(new SecureRandom());
        TestServer.Response b = server.postJson("/api/v1/banks", root, "{\"name\":\"confirmed\",\"kind\":\"local\"}");
        assertThat(b.status()).as(b.body()).isEqualTo(201);
        TestServer.Response p = server.postJson("/api/v1/lists", root,
                "{\"name\":\"shared\",\"bank\":\"confirmed\",\"visibility\":\"subscribers\"}");
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        TestServer.Response c = server.postJson("/api/v1/lists/shared/tokens", root, "{\"subscriber\":\"instance-b\"}");
        assertThat(c.status()).as(c.body()).isEqualTo(201);
        String secret = c.json().get("token").asText();
        long id = c.json().get("id").asLong();
        assertThat(server.get("/lists/shared", secret).status()).isEqualTo(200);

        TestServer.Response l = server.get("/api/v1/lists/shared/tokens", root);
        assertThat(l.status()).as(l.body()).isEqualTo(200);
        assertThat(l.body()).doesNotContain(secret);
        JsonNode t = l.json().get("tokens").get(0);
        assertThat(t.get("id").asLong()).isEqualTo(id);
        assertThat(t.get("subscriber").asText()).isEqualTo("instance-b");
        assertThat(t.get("last_used_from").asText()).isEqualTo("127.0.0.1");
        assertThat(t.get("last_used_at").isNull()).isFalse();

        assertThat(server.send("DELETE", "/api/v1/lists/shared/tokens/" + id, root, null, null, null).status()).isEqualTo(200);
        assertThat(server.get("/lists/shared", secret).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/lists/shared/tokens", root).json().get("tokens")).isEmpty();
        assertThat(server.send("DELETE", "/api/v1/lists/shared/tokens/" + id, root, null, null, null).status()).isEqualTo(404);
        assertThat(audit("list_token_create")).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("token:root"));
        assertThat(audit("list_token_revoke")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("token:root");
            assertThat(e.target()).isEqualTo("list:shared");
        });
    }
}
