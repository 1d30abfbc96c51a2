package org.sightline.store;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Database errors are logged by what failed (SQL state, column), never by the values the statement carried. */
class SafeSqlErrorsTest {
    static final String VALUE = "private-note-" + "v".repeat(3000);

    @TempDir
    Path data;
    TestServer server;
    Jdbi jdbi;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        jdbi = server.deps.database().jdbi();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RuntimeException overLongInsert() {
        return (RuntimeException) catchThrowable(() -> jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO audit_head (id, seq, hash) VALUES (99, 0, :hash)")
                .bind("hash", VALUE).execute()));
    }

    private static String printed(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void a_database_error_is_described_by_its_state_and_column_not_its_values() {
        RuntimeException e = overLongInsert();
        assertThat(printed(e)).contains("private-note-"); // what JDBI and H2 would have logged
        String described = Sql.describe(e);
        assertThat(described).contains("sql_state=22001").contains("value too long").contains("column=hash")
                .doesNotContain("private-note-");
        assertThat(printed(Sql.loggable(e))).contains("22001").doesNotContain("private-note-");
    }

    @Test
    void a_worker_that_fails_on_the_database_logs_no_values() throws Exception {
        AtomicBoolean claimed = new AtomicBoolean();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (WorkerPool pool = new WorkerPool("test", 1, Duration.ofMillis(20),
                worker -> claimed.getAndSet(true) ? Optional.empty() : Optional.of(1L),
                (id, worker) -> {
                    throw overLongInsert();
                })) {
            pool.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!captured.toString(StandardCharsets.UTF_8).contains("work_failed")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("event=work_failed").contains("22001").doesNotContain("private-note-");
    }
}
