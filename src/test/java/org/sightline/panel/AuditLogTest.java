package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.Main;
import org.sightline.TestServer;
import org.sightline.audit.AuditLog;
import org.sightline.config.Config;
import org.sightline.access.Role;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hash-chained audit log: it verifies, and any edited or deleted row is found by {@code audit verify}. */
class AuditLogTest {
    @TempDir
    Path data;
    TestServer server;
    Map<String, String> env;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        env = Map.of("SIGHTLINE_DATA_DIR", data.toString());
        AuditLog audit = server.deps.audit();
        for (int i = 1; i <= 5; i++) audit.append("mia", "reveal", "media:" + i, "case=" + i);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Run(int exit, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    void sql(String statement) {
        server.deps.database().jdbi().useHandle(h -> h.execute(statement));
    }

    @Test
    void an_untouched_chain_verifies() {
        Run r = run("audit", "verify");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: 5 events");
    }

    @Test
    void concurrent_appends_keep_one_unbroken_chain() throws Exception {
        AuditLog audit = server.deps.audit();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) audit.append("t" + thread, "reveal", "media:" + i, "");
                }));
            }
            for (java.util.concurrent.Future<?> f : done) f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        AuditLog.Verification v = audit.verify();
        assertThat(v.ok()).as(v.problem()).isTrue();
        assertThat(v.events()).isEqualTo(105);
    }

    @Test
    void an_edited_row_is_named() {
        sql("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3");
        Run r = run("audit", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("audit log broken at event 3").contains("altered");
    }

    @Test
    void an_edited_row_with_a_recomputed_hash_breaks_the_next_link() {
        String forged = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT hash FROM audit_events WHERE seq = 1").mapTo(String.class).one());
        sql("UPDATE audit_events SET prev_hash = '" + forged.replace('a', 'b').replace('0', '1') + "' WHERE seq = 2");
        Run r = run("audit", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("event 2");
    }

    @Test
    void a_deleted_row_in_the_middle_is_found() {
        sql("DELETE FROM audit_events WHERE seq = 2");
        Run r = run("audit", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("audit log broken at event 2").contains("missing");
    }

    @Test
    void deleting_the_newest_rows_is_found_through_the_head() {
        sql("DELETE FROM audit_events WHERE seq >= 4");
        Run r = run("audit", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("event 4").contains("deleted");
    }

    @Test
    void the_audit_page_filters_and_exports_csv_for_admins() {
        server.deps.audit().append("max", "dismiss", "case:9", "reason=a, \"quoted\" reason");
        server.deps.users().create("ada", Role.ADMIN, "correct horse battery");
        PanelClient ada = new PanelClient(server.base);
        ada.login("ada", "correct horse battery");
        String page = ada.get("/audit?actor=max").body();
        assertThat(page).contains("case:9").doesNotContain("media:3");
        PanelClient.Page csv = ada.get("/audit.csv?action=dismiss");
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body()).startsWith("seq,at,actor,action,target,detail,prev_hash,hash\r\n")
                .contains(",max,dismiss,case:9,\"reason=a, \"\"quoted\"\" reason\",").doesNotContain("reveal");
        // Logging in is itself an audit event, and the chain still verifies.
        assertThat(run("audit", "verify").exit()).isZero();
    }

    @Test
    void user_add_prints_a_generated_password_once_that_logs_in() {
        Run r = run("user", "add", "root", "--role", "admin");
        assertThat(r.exit()).as(r.err()).isZero();
        String password = r.out().lines().filter(l -> l.startsWith("password: ")).findFirst().orElseThrow()
                .substring("password: ".length()).split(" ")[0];
        assertThat(new PanelClient(server.base).login("root", password).status()).isIn(302, 303);
        assertThat(run("user", "add", "root", "--role", "admin").err()).contains("already exists");
        assertThat(run("user", "add", "x", "--role", "king").exit()).isEqualTo(2);
    }

    @Test
    void a_checkpoint_from_the_running_server_verifies_until_the_log_is_rewritten() throws Exception {
        java.nio.file.Path file = data.resolve("checkpoint.json");
        Run cp = run("audit", "checkpoint", "--out", file.toString());
        assertThat(cp.exit()).as(cp.err()).isZero();
        assertThat(java.nio.file.Files.readString(file)).contains("\"seq\" : 5").contains("\"signer\" : \"hmac-sha256\"");
        Run ok = run("audit", "verify", "--checkpoint", file.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("the checkpoint of").contains("is still held");
        // both calls went through the server and are in the log, under the command line's user
        assertThat(server.deps.audit().search("", "audit_checkpoint", "", Long.MAX_VALUE, 5)).singleElement()
                .satisfies(e -> assertThat(e.actor()).startsWith("cli:"));

        sql("UPDATE audit_events SET detail = 'case=0' WHERE seq = 5");
        Run broken = run("audit", "verify", "--checkpoint", file.toString());
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err()).contains("audit log broken at event 5");
    }
}
