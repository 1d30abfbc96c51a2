package org.sightline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.sightline.access.Scope;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainCommandsTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void token_create_prints_a_token_the_running_server_accepts() {
        Map<String, String> env = Map.of("SIGHTLINE_DATA_DIR", dir.toString());
        try (TestServer server = new TestServer(dir)) {
            // The server holds the database open: the command asks it over the local channel (admin.url/admin.key).
            Run r = run(env, "token", "create", "hma-client", "--scopes", "match,banks:read");
            assertThat(r.exit()).as(r.err()).isZero();
            String token = r.out().strip();
            assertThat(token).startsWith("stl_").doesNotContain("\n");
            assertThat(server.get("/api/v1/banks", token).status()).isEqualTo(200);
            assertThat(server.postJson("/api/v1/banks", token, "{\"name\":\"x\"}").status()).isEqualTo(403);

            Run dup = run(env, "token", "create", "hma-client", "--scopes", "match");
            assertThat(dup.exit()).isEqualTo(2);
            assertThat(dup.err()).contains("already exists");
            Run bad = run(env, "token", "create", "other", "--scopes", "match,root");
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("unknown scope 'root'");
            // audited with the operating-system user who ran the command
            assertThat(server.deps.audit().search("", "token_create", "token:hma-client", Long.MAX_VALUE, 10))
                    .singleElement().satisfies(e -> {
                        assertThat(e.actor()).startsWith("cli:").isNotEqualTo("cli:");
                        assertThat(e.detail()).isEqualTo("scopes=banks:read,match");
                    });
        }
    }

    @Test
    void token_create_in_another_process_goes_through_the_running_server() throws Exception {
        try (TestServer server = new TestServer(dir)) {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, "org.sightline.Main", "token", "create", "other-process", "--scopes", "scan");
            pb.environment().put("SIGHTLINE_DATA_DIR", dir.toString());
            pb.redirectErrorStream(false);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // without AUTO_SERVER the other process could not open the locked database file itself
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(out.strip()).startsWith("stl_");
            assertThat(server.get("/api/v1/media", out.strip()).status()).isNotIn(401, 403);
            assertThat(server.get("/api/v1/media", "stl_wrong").status()).isEqualTo(401);
        }
    }

    @Test
    void the_local_routes_refuse_callers_without_the_key() throws Exception {
        Map<String, String> env = Map.of("SIGHTLINE_DATA_DIR", dir.toString());
        try (TestServer server = new TestServer(dir)) {
            Path keyFile = dir.resolve("admin.key");
            assertThat(Files.getPosixFilePermissions(keyFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.readString(dir.resolve("admin.url")).strip()).isEqualTo(server.base);
            String key = Files.readString(keyFile).strip();
            String body = "{\"name\":\"x\",\"scopes\":\"admin\"}";
            assertThat(local(server, null, body, null).status()).isEqualTo(401);
            assertThat(local(server, "Bearer " + key, body, null).status()).isEqualTo(401);
            assertThat(local(server, "Sightline-Local " + key.substring(1) + "x", body, null).status()).isEqualTo(401);
            // a request relayed by a proxy on this host is not the command line, key or not
            assertThat(local(server, "Sightline-Local " + key, body, "203.0.113.9").status()).isEqualTo(403);
            // nor is an API token, even an admin one
            assertThat(server.postJson("/api/v1/local/tokens", server.token("root", Scope.ADMIN), body).status())
                    .isEqualTo(401);
            assertThat(server.deps.tokens().authenticate("x", null)).isEmpty();
            assertThat(local(server, "Sightline-Local " + key, body, null).status()).isEqualTo(201);

            // a command holding the wrong key is refused, and does not fall back to the database file
            Files.writeString(keyFile, "not-the-key\n");
            Run r = run(env, "token", "create", "y", "--scopes", "match");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("refused").contains("local admin key");
            Files.delete(keyFile);
            assertThat(run(env, "user", "add", "z", "--role", "viewer").err()).contains("admin.key is missing");
        }
    }

    @Test
    void the_embedded_database_opens_no_network_port_and_commands_use_the_file_when_no_server_runs() throws Exception {
        Map<String, String> env = Map.of("SIGHTLINE_DATA_DIR", dir.toString());
        try (TestServer server = new TestServer(dir)) {
            Path lock = dir.resolve("sightline.lock.db");
            if (Files.exists(lock)) assertThat(Files.readString(lock)).doesNotContain("server=");
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains("H2 TCP"));
            String jdbcUrl = server.deps.database().jdbi().withHandle(h -> h.getConnection().getMetaData().getURL());
            assertThat(jdbcUrl)
                    .doesNotContainIgnoringCase("AUTO_SERVER");
        }
        // the server is gone and took its channel files along
        assertThat(dir.resolve("admin.url")).doesNotExist();
        assertThat(dir.resolve("admin.key")).doesNotExist();
        Run r = run(env, "token", "create", "offline", "--scopes", "match");
        assertThat(r.exit()).as(r.err()).isZero();
        // a channel file left by a server that died: nobody listens there, so the command opens the file itself
        Files.writeString(dir.resolve("admin.url"), "http://127.0.0.1:9\n");
        Files.writeString(dir.resolve("admin.key"), "stale\n");
        Run stale = run(env, "audit", "verify");
        assertThat(stale.exit()).as(stale.err()).isZero();
        assertThat(stale.out()).contains("ok: 1 events"); // the token_create of the offline command
    }

    TestServer.Response local(TestServer server, String authorization, String body, String forwardedFor)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/local/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
        HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new TestServer.Response(r.statusCode(), r.body(), "", null);
    }

    @Test
    void bench_match_runs_small_and_reports_full_recall() {
        Run r = run(Map.of(), "bench", "match", "--sizes", "20000,50000", "--queries", "40", "--scan-queries", "5", "--threads", "2");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("| hashes | build s | bytes/hash |")
                .contains("| 20,000 |").contains("| 50,000 |")
                .contains("| 1280/1280 | 360/360 excluded |");
    }
}
