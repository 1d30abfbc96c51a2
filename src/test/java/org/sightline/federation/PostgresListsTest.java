package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Publisher and subscriber each on PostgreSQL: the same share, match, retract and rollback as on H2. */
class PostgresListsTest {
    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    String urlA;
    String urlB;

    @AfterEach
    void drop() {
        if (urlA != null) TestDatabases.dropPostgresSchema(urlA);
        if (urlB != null) TestDatabases.dropPostgresSchema(urlB);
    }

    static Config config(Path dir, String url) {
        return Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER)).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true);
    }

    @Test
    void two_instances_on_postgres_share_match_retract_and_roll_back() throws Exception {
        urlA = TestDatabases.createPostgresSchema();
        urlB = TestDatabases.createPostgresSchema();
        SigningKey key = new KeyFiles(dirA).generate(new SecureRandom());
        try (TestServer a = new TestServer(config(dirA, urlA)); TestServer b = new TestServer(config(dirB, urlB))) {
            assertThat(a.deps.database().postgres()).isTrue();
            String adminA = a.token("admin-a", Scope.ADMIN);
            String adminB = b.token("admin-b", Scope.ADMIN);
            assertThat(a.postJson("/api/v1/banks", adminA, "{\"name\":\"confirmed\"}").status()).isEqualTo(201);
            long id = a.postJson("/api/v1/banks/confirmed/entries", adminA, "{\"signal_type\":\"pdq\",\"value\":\""
                    + TwoInstancesTest.BRIDGE_PDQ + "\"}").json().get("ids").get(0).asLong();
            assertThat(a.postJson("/api/v1/lists", adminA, "{\"name\":\"shared\",\"bank\":\"confirmed\"}").status()).isEqualTo(201);
            long sub = b.postJson("/api/v1/subscriptions", adminB, "{\"url\":\"" + a.base + "/lists/shared\",\"key\":\""
                    + key.keyId() + "\",\"mode\":\"enforce\"}").json().get("id").asLong();
            TestServer.Response s1 = b.postJson("/api/v1/subscriptions/" + sub + "/sync", adminB, "{}");
            assertThat(s1.status()).as(s1.body()).isEqualTo(200);
            assertThat(TwoInstancesTest.scan(b, adminB, "dih/bridge-2-rotate-90.jpg").get("decision").asText()).isEqualTo("review");

            a.send("DELETE", "/api/v1/banks/confirmed/entries/" + id, adminA, null, null, null);
            TestServer.Response s2 = b.postJson("/api/v1/subscriptions/" + sub + "/sync", adminB, "{}");
            assertThat(s2.status()).as(s2.body()).isEqualTo(200);
            assertThat(s2.json().get("retracted").asInt()).isEqualTo(1);
            // the publisher's overview of its list (the Sharing page) on PostgreSQL: one add, one retraction
            ListDao.Overview overview = a.deps.lists().overview(a.deps.lists().list().get(0).id());
            assertThat(overview.activeEntries()).isZero();
            assertThat(overview.lastChange()).isNotNull();
            assertThat(overview.tokens()).isZero();
            assertThat(TwoInstancesTest.scan(b, adminB, "dih/bridge-2-rotate-90.jpg").get("decision").asText()).isEqualTo("pass");

            TestServer.Response rb = b.postJson("/api/v1/subscriptions/" + sub + "/rollback", adminB, "{\"sequence\":1}");
            assertThat(rb.status()).as(rb.body()).isEqualTo(200);
            assertThat(TwoInstancesTest.scan(b, adminB, "dih/bridge-2-rotate-90.jpg").get("decision").asText()).isEqualTo("review");
            JsonNode detail = b.get("/api/v1/subscriptions/" + sub, adminB).json();
            assertThat(detail.get("sequence").asLong()).isEqualTo(1);
            assertThat(detail.get("syncs")).hasSize(3);
        }
    }
}
