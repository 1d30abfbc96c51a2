package org.sightline.hma;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** HMA's routes and an exchange on PostgreSQL: the hma and exchanges tables' SQL, and the fetch lease. */
class PostgresHmaTest {
    static final String PDQ = HmaApiTest.PDQ;

    @TempDir
    Path dir;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void banks_content_and_a_file_exchange_work_on_postgres_and_a_held_lease_keeps_a_second_fetch_out() {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER, "SIGHTLINE_FETCH_ALLOW_PRIVATE_ADDRESSES", "true",
                "SIGHTLINE_INGEST_WORKERS", "0"));
        try (TestServer s = new TestServer(config); MediaServer media = new MediaServer()) {
            assertThat(s.deps.database().postgres()).isTrue();
            String token = s.token("pg", Scope.ADMIN);
            HmaHttp admin = new HmaHttp(s.base, token);
            assertThat(admin.json("POST", "/c/banks", "{\"name\": \"PG_BANK\", \"enabled_ratio\": \"1.0\"}").status()).isEqualTo(201);
            long id = admin.json("POST", "/c/bank/PG_BANK/signal", "{\"pdq\": \"" + PDQ + "\"}").json().path("id").asLong();
            assertThat(admin.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().path("PG_BANK").get(0)
                    .path("bank_content_id").asLong()).isEqualTo(id);
            assertThat(admin.json("PUT", "/c/bank/PG_BANK/content/" + id, "{\"disable_until_ts\": 0}").status()).isEqualTo(200);
            assertThat(admin.get("/m/lookup?signal_type=pdq&signal=" + PDQ).json().has("PG_BANK")).isFalse();
            assertThat(admin.json("PUT", "/c/bank/PG_BANK", "{\"name\": \"PG_BANK_2\", \"enabled_ratio\": 0.5}").status()).isEqualTo(200);
            assertThat(admin.get("/c/bank/PG_BANK_2").json().path("matching_enabled_ratio").asDouble()).isEqualTo(0.5);
            assertThat(admin.delete("/c/bank/PG_BANK_2").status()).isEqualTo(200);
            assertThat(admin.get("/c/bank/PG_BANK_2").status()).isEqualTo(404);

            String list = media.put("/pg.txt", ("pdq " + PDQ + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(admin.json("POST", "/c/exchanges", "{\"bank\": \"PG_FILE\", \"api\": \"file\", \"api_json\": {\"url\": \""
                    + list + "\"}}").status()).isEqualTo(201);
            assertThat(admin.json("POST", "/c/exchanges/api/stop_ncii", "{\"credential_json\": {\"fetch_function_key\": \"a\","
                    + " \"subscription_key\": \"b\"}}").json().path("has_set_authentification").asBoolean()).isTrue();
            assertThat(admin.send("POST", "/api/v1/exchanges/PG_FILE/fetch", null, null).json().path("added").asLong()).isEqualTo(1);
            media.put("/pg.txt", "# emptied\n".getBytes(StandardCharsets.UTF_8));
            assertThat(admin.send("POST", "/api/v1/exchanges/PG_FILE/fetch", null, null).json().path("removed").asLong()).isEqualTo(1);
            assertThat(admin.get("/c/exchange/PG_FILE/status").json().path("fetched_items").asLong()).isZero();

            // another node holds the fetch: this one stays out until the lease ends
            s.deps.database().jdbi().useHandle(h -> h.createUpdate("UPDATE exchanges SET lease_until = :until, leased_by = 'other-node'")
                    .bind("until", Instant.now().plusSeconds(600)).execute());
            assertThat(admin.send("POST", "/api/v1/exchanges/PG_FILE/fetch", null, null).status()).isEqualTo(409);
            assertThat(admin.delete("/c/exchange/PG_FILE").status()).isEqualTo(200);
        }
    }
}
