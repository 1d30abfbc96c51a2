package org.sightline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole server on PostgreSQL (SIGHTLINE_DB_URL): entries added over HTTP survive a restart. */
class PostgresServerTest {
    @TempDir
    Path dir;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void server_on_postgres_matches_the_same_after_a_restart() {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, java.util.Map.of(
                "SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url, "SIGHTLINE_DB_USER", TestDatabases.PG_USER));
        String hash = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
        String probe = "{\"signal_type\":\"pdq\",\"hash\":\"" + hash + "\"}";
        String token;
        String before;
        try (TestServer s = new TestServer(config)) {
            assertThat(s.deps.database().postgres()).isTrue();
            token = s.token("pg", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", token, "{\"name\":\"pg-bank\"}").status()).isEqualTo(201);
            assertThat(s.send("POST", "/api/v1/banks/pg-bank/entries", token, "text/plain",
                    "pdq " + hash + "\nsha256 " + "ab".repeat(32) + "\n", null).status()).isEqualTo(201);
            before = s.postJson("/api/v1/match", token, probe).body();
        }
        assertThat(before).contains("\"bank\":\"pg-bank\"").contains("\"distance\":0");
        try (TestServer s = new TestServer(config)) {
            assertThat(s.postJson("/api/v1/match", token, probe).body()).isEqualTo(before);
            assertThat(s.get("/api/v1/banks/pg-bank/entries?format=txt", token).body())
                    .isEqualTo("pdq " + hash + "\nsha256 " + "ab".repeat(32) + "\n");
        }
    }
}
