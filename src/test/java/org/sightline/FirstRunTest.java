package org.sightline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.access.Role;
import org.sightline.config.Config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What someone meets the first time: the login page, --version, serve --help, a busy port, instance add. */
class FirstRunTest {
    static final String FIRST_ADMIN = "java -jar target/sightline.jar user add NAME --role admin";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Map<String, String> env() {
        return Map.of("SIGHTLINE_DATA_DIR", dir.toString());
    }

    @Test
    void the_login_page_of_an_instance_without_users_says_how_to_create_the_first_admin() {
        try (TestServer server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0))) {
            TestServer.Response first = server.get("/login", null);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("id=\"first-run\"").contains(FIRST_ADMIN);

            server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
            assertThat(server.get("/login", null).body()).doesNotContain("id=\"first-run\"").doesNotContain(FIRST_ADMIN);
        }
    }

    @Test
    void version_prints_the_project_version() {
        Run r = run(env(), "--version");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("sightline 0.1.0-SNAPSHOT");
    }

    @Test
    void serve_help_prints_the_usage_of_serve() {
        Run r = run(env(), "serve", "--help");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Usage: sightline serve").contains("--config");
    }

    @Test
    void a_port_in_use_at_serve_start_is_one_line_and_exit_code_2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run r = run(Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_HTTP_PORT",
                    String.valueOf(taken.getLocalPort()), "SIGHTLINE_INGEST_WORKERS", "0"), "serve");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception")
                    .startsWith("error: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("already in use");
        }
    }

    @Test
    void instance_add_prints_a_webhook_secret_only_for_kinds_that_send_webhooks() {
        for (String kind : new String[]{"pleroma", "misskey", "generic"}) {
            Run r = run(env(), "instance", "add", "i-" + kind, "--kind", kind, "--url", "https://" + kind + ".example");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).as(kind).contains("added " + kind + " instance").doesNotContain("webhook");
        }
        for (String kind : new String[]{"mastodon", "pictrs"}) {
            Run r = run(env(), "instance", "add", "i-" + kind, "--kind", kind, "--url", "https://" + kind + ".example");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).as(kind).contains("webhook URL: http://127.0.0.1:8080/hooks/" + kind + "/i-" + kind)
                    .containsPattern("webhook secret \\(shown once\\): [0-9a-f]{48}");
        }
    }

    @Test
    void instance_add_sets_which_public_timelines_are_watched() {
        Run r = run(env(), "instance", "add", "social", "--kind", "mastodon", "--url", "https://social.example",
                "--token", "t0ken", "--watch", "remote");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("watching its remote public timeline(s)").contains("read:statuses");
        Run bad = run(env(), "instance", "add", "other", "--kind", "mastodon", "--url", "https://other.example",
                "--watch", "sometimes");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("watch must be one of none, local, remote, all");
        Run misskey = run(env(), "instance", "add", "mk", "--kind", "misskey", "--url", "https://mk.example",
                "--watch", "remote");
        assertThat(misskey.exit()).isNotZero();
        assertThat(misskey.err()).contains("only Mastodon-API instances");
    }

    /** Runs a command in a JVM of its own, as an admin would: what it prints on each stream. */
    private Run fork(String... args) throws Exception {
        // the server's class path without the tests' (whose logging settings are quieter)
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, "org.sightline.Main"));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SIGHTLINE_"));
        pb.environment().put("SIGHTLINE_DATA_DIR", dir.resolve("forked").toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
    }

    @Test
    void commands_print_no_database_chatter_and_logs_carry_iso_8601_times() throws Exception {
        Run first = fork("token", "create", "first", "--scopes", "scan");
        assertThat(first.exit()).as(first.err()).isZero();
        // a new database says once that it was migrated, in one line with an ISO 8601 time and a level
        assertThat(first.err().strip().lines().toList()).singleElement().asString()
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) \\[main\\] INFO .*"
                        + "event=database_migrated.*");
        Run second = fork("token", "create", "second", "--scopes", "scan");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).isEmpty();
        assertThat(second.out().strip()).startsWith("stl_").doesNotContain("\n");
    }
}
