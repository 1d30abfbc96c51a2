package org.sightline.banks;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sightline.TestServer;
import org.sightline.TestServer.Response;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The match index repairs itself without a restart when it lost a committed change: the change stays
 * committed, {@code /readyz} says "not ready" while the index is out of step, and matching catches up.
 */
class IndexRepairTest {
    static final String KNOWN = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String LATE = "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";
    /** Past the largest entry id the index can hold (its id bitmap ends at 2^37): a real way to make it fail. */
    static final long ID_BEYOND_INDEX = Integer.MAX_VALUE * 64L + 200;

    @TempDir
    Path dir;
    String pgUrl;

    @AfterEach
    void drop() {
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    TestServer start(String database, long checkIntervalSeconds) {
        Config config = Config.defaults().with("data.dir", dir).with("banks.index_check_interval_s", checkIntervalSeconds);
        if (database.equals("postgres")) {
            pgUrl = TestDatabases.createPostgresSchema();
            config = config.with("db.url", pgUrl).with("db.user", TestDatabases.PG_USER);
        }
        return new TestServer(config);
    }

    static boolean matches(TestServer s, String token, String pdq) {
        Response r = s.postJson("/api/v1/match", token, "{\"signal_type\":\"pdq\",\"hash\":\"" + pdq + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body().contains("\"distance\":0");
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 30 s: " + what);
            Thread.sleep(100);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void an_index_update_that_fails_after_its_commit_keeps_the_server_not_ready_until_rebuilt(String database)
            throws InterruptedException {
        try (TestServer s = start(database, 0)) {
            String admin = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", admin, "{\"name\":\"known\"}").status()).isEqualTo(201);
            assertThat(s.send("POST", "/api/v1/banks/known/entries", admin, "text/plain", "pdq " + KNOWN + "\n", null)
                    .status()).isEqualTo(201);
            s.deps.database().jdbi().useHandle(h ->
                    h.execute("ALTER TABLE bank_entries ALTER COLUMN id RESTART WITH " + ID_BEYOND_INDEX));

            // committed, so the answer is success, but the index could not take it
            Response added = s.send("POST", "/api/v1/banks/known/entries", admin, "text/plain", "pdq " + LATE + "\n", null);
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            Response ready = s.get("/readyz", null);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("bank_index").asBoolean(true)).isFalse();
            // the rebuild fails for the same reason and keeps failing visibly, with back-off
            Thread.sleep(2500);
            assertThat(s.get("/readyz", null).status()).isEqualTo(503);

            long lateId = ID_BEYOND_INDEX;
            assertThat(s.send("DELETE", "/api/v1/banks/known/entries/" + lateId, admin, null, null, null).status())
                    .isEqualTo(200);
            await("the index is rebuilt and the server ready", () -> s.get("/readyz", null).status() == 200);
            assertThat(s.get("/readyz", null).json().path("bank_index").asBoolean()).isTrue();
            assertThat(matches(s, admin, KNOWN)).isTrue();
            assertThat(matches(s, admin, LATE)).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void an_entry_committed_without_reaching_the_index_is_found_by_the_periodic_comparison(String database)
            throws InterruptedException {
        try (TestServer s = start(database, 1)) {
            String admin = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", admin, "{\"name\":\"quiet\"}").status()).isEqualTo(201);
            assertThat(matches(s, admin, LATE)).isFalse();
            // written behind the server's back, as a node whose update after the commit died would leave it
            s.deps.database().jdbi().useHandle(h -> h.createUpdate("INSERT INTO bank_entries (bank_id, signal_type,"
                            + " signal_value, labels, added_by, state, created_at)"
                            + " VALUES ((SELECT id FROM banks WHERE name = 'quiet'), 'pdq', :value, '', 'test', 'active', :at)")
                    .bind("value", LATE).bind("at", Instant.now()).execute());

            await("the entry matches", () -> matches(s, admin, LATE));
            await("the server is ready again", () -> s.get("/readyz", null).status() == 200);
            JsonNode ready = s.get("/readyz", null).json();
            assertThat(ready.path("bank_index").asBoolean()).isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void an_index_in_step_with_the_database_is_never_called_stale() throws InterruptedException {
        try (TestServer s = start("h2", 1)) {
            String admin = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", admin, "{\"name\":\"steady\"}").status()).isEqualTo(201);
            // adds and retractions while the comparison runs every second: changes in flight are not differences
            for (int i = 0; i < 20; i++) {
                String line = "pdq " + BankApiTest.flip(KNOWN, i + 1) + "\n";
                Response added = s.send("POST", "/api/v1/banks/steady/entries", admin, "text/plain", line, null);
                assertThat(added.status()).isEqualTo(201);
                if (i % 3 == 0) {
                    long id = added.json().path("ids").get(0).asLong();
                    assertThat(s.send("DELETE", "/api/v1/banks/steady/entries/" + id, admin, null, null, null).status())
                            .isEqualTo(200);
                }
                assertThat(s.get("/readyz", null).status()).isEqualTo(200);
                Thread.sleep(150);
            }
            assertThat(s.deps.banks().indexDifferences()).isEmpty();
        }
    }
}
