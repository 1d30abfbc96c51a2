package org.sightline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
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
            // The server holds the database open. Here the command shares the embedded database in this JVM;
            // across processes AUTO_SERVER=TRUE gives the same (the command connects through the server).
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
        }
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
