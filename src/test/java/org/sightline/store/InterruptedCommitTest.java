package org.sightline.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.config.Config;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commits are written by the committing thread (WRITE_DELAY=0), and threads get interrupted: a pict-rs gate past
 * its time budget, workers at shutdown. An interrupt must cost that one statement at most, never the database.
 */
class InterruptedCommitTest {
    @TempDir
    Path data;

    @Test
    void interrupting_threads_that_commit_leaves_the_embedded_database_usable() throws Exception {
        try (Database db = Database.open(Config.defaults().with("data.dir", data))) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE interrupted_commits (id INTEGER, payload VARCHAR(4000))"));
            String payload = "x".repeat(4000);
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get() && i < 20_000; i++) {
                    int n = i;
                    try {
                        db.jdbi().useTransaction(h -> h.execute("INSERT INTO interrupted_commits VALUES (?, ?)", n, payload));
                    } catch (RuntimeException e) {
                        // this statement may fail; the database must not
                    }
                    Thread.interrupted(); // clear it, as a pool thread taking its next task would
                }
            });
            writer.start();
            for (int i = 0; i < 200 && writer.isAlive(); i++) {
                Thread.sleep(2);
                writer.interrupt();
            }
            stop.set(true);
            writer.join(30_000);

            assertThat(db.ping()).isTrue();
            db.jdbi().useTransaction(h -> h.execute("INSERT INTO interrupted_commits VALUES (-1, 'after')"));
            int after = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM interrupted_commits WHERE id = -1")
                    .mapTo(Integer.class).one());
            assertThat(after).isEqualTo(1);
        }
    }
}
