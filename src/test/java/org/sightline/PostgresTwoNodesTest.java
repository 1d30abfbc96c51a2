package org.sightline;

import org.sightline.boot.App;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.PdqHash;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.sightline.store.TestDatabases;
import org.sightline.access.Scope;
import org.sightline.auth.TokenService;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes on one PostgreSQL: what one changes, the other's index follows (LISTEN/NOTIFY). */
class PostgresTwoNodesTest {
    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 10 s: " + what);
            Thread.sleep(20);
        }
    }

    static List<Matcher.Probe> probe(String hex) {
        return List.of(new Matcher.Probe(SignalType.PDQ, hex, null, null));
    }

    @Test
    void adds_retractions_and_bank_changes_on_one_node_reach_the_other() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config a = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dirA.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER));
        Config b = a.with("data.dir", dirB);
        PdqHash h = new PdqHash(11, 22, 33, 44);
        String near = new PdqHash(11 ^ 0x3FF, 22, 33, 44).hex(); // 10 bits away

        try (App.Deps nodeA = App.Deps.open(a); App.Deps nodeB = App.Deps.open(b)) {
            nodeA.banks().create(new BankService.BankSpec("shared", null, null, null, null, null, null, null));
            List<BankEntry> added = nodeA.banks().addEntries("shared", List.of(
                    new BankService.NewEntry("pdq", h.hex(), null, null, null, null),
                    new BankService.NewEntry("md5", "d41d8cd98f00b204e9800998ecf8427e", null, null, null, null)), "alice");

            eventually("node B matches the new entry", () -> nodeB.banks().match(probe(near)).matches().size() == 1);
            assertThat(nodeB.banks().match(List.of(new Matcher.Probe(SignalType.MD5, "d41d8cd98f00b204e9800998ecf8427e",
                    null, null))).matches()).hasSize(1);
            // Each node holds the entry once (node A got its own notice too).
            Thread.sleep(200);
            assertThat(nodeA.matcher().size(SignalType.PDQ)).isEqualTo(1);
            assertThat(nodeB.matcher().size(SignalType.PDQ)).isEqualTo(1);

            nodeA.banks().update("shared", new BankService.BankSpec(null, null, null, null, null, 5, null, null));
            eventually("node B applies the new threshold", () -> nodeB.banks().match(probe(near)).matches().isEmpty());
            assertThat(nodeB.banks().match(probe(h.hex())).matches()).hasSize(1);

            nodeA.banks().retract("shared", added.get(0).id(), "bob");
            eventually("node B drops the retracted entry", () -> nodeB.banks().match(probe(h.hex())).matches().isEmpty());

            // A third node started later loads the current state.
            try (App.Deps nodeC = App.Deps.open(a.with("data.dir", dirA.resolve("c")))) {
                assertThat(nodeC.banks().match(probe(h.hex())).matches()).isEmpty();
                assertThat(nodeC.matcher().size(SignalType.MD5)).isEqualTo(1);
            }
        }
    }

    @Test
    void plugin_settings_changed_on_one_node_reach_the_other() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config a = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dirA.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER)).with("plugins.refresh_ms", 200);
        try (App.Deps nodeA = App.Deps.open(a)) {
            // nodes sharing a database share the secret key, as the README asks
            java.nio.file.Files.copy(dirA.resolve("secret.key"), dirB.resolve("secret.key"));
            try (App.Deps nodeB = App.Deps.open(a.with("data.dir", dirB))) {
                assertThat(nodeB.plugins().settings("webhook")).doesNotContainKey("url");
                nodeA.plugins().update("webhook", Map.of("url", "https://hooks.example/sightline",
                        "secret", "shared-secret-123"), null, "ada");
                eventually("node B sees the new URL", () -> "https://hooks.example/sightline"
                        .equals(nodeB.plugins().settings("webhook").get("url")));
                assertThat(nodeB.plugins().settings("webhook").get("secret")).isEqualTo("shared-secret-123");
                // a node with another secret.key cannot open the secret: it sees it unset (not its own configured
                // one), the settings page says to enter it again, and everything else still works
                try (App.Deps stranger = App.Deps.open(a.with("data.dir", dirB.resolve("other"))
                        .with("plugins.webhook.secret", "configured-secret"))) {
                    assertThat(stranger.plugins().settings("webhook")).containsEntry("url", "https://hooks.example/sightline")
                            .doesNotContainKey("secret");
                    assertThat(stranger.plugins().describe().stream().filter(p -> p.name().equals("webhook")).findFirst()
                            .orElseThrow().fields()).anySatisfy(f -> {
                                assertThat(f.name()).isEqualTo("secret");
                                assertThat(f.source()).isEqualTo("unreadable: enter it again");
                            });
                }
                nodeA.plugins().update("webhook", Map.of(), false, "ada");
                eventually("node B switches the plugin off", () -> !nodeB.plugins().switchedOn("webhook"));
                assertThat(nodeB.plugins().actionFor("report", null)).isEmpty();
            }
        }
    }

    @Test
    void a_token_revoked_or_expired_on_one_node_fails_at_once_on_the_other() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config a = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dirA.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER)).with("ingest.workers", 0);
        try (TestServer nodeA = new TestServer(a)) {
            // nodes sharing a database share the audit key, as the README asks
            java.nio.file.Files.copy(dirA.resolve("audit.key"), dirB.resolve("audit.key"));
            try (TestServer nodeB = new TestServer(a.with("data.dir", dirB))) {
                twoNodes(nodeA, nodeB);
            }
        }
    }

    private static void twoNodes(TestServer nodeA, TestServer nodeB) {
        {
            String root = nodeA.token("root", Scope.ADMIN);
            String scanner = nodeA.token("scanner", Scope.SCAN);
            assertThat(nodeB.get("/api/v1/media", scanner).status()).isNotIn(401, 403);
            assertThat(nodeB.get("/api/v1/tokens", root).json().get("tokens")).hasSize(2);

            long id = nodeA.deps.tokens().list().stream().filter(t -> t.name().equals("scanner")).findFirst()
                    .orElseThrow().id();
            assertThat(nodeA.send("DELETE", "/api/v1/tokens/" + id, root, null, null, null).status()).isEqualTo(200);
            // no waiting, no notification: the other node's lookup no longer finds it
            assertThat(nodeB.get("/api/v1/media", scanner).status()).isEqualTo(401);
            assertThat(nodeA.get("/api/v1/media", scanner).status()).isEqualTo(401);

            TokenService.Created brief = nodeA.deps.tokens().create("brief", Set.of(Scope.SCAN), Duration.ofHours(1), null, "test");
            assertThat(nodeB.get("/api/v1/media", brief.token()).status()).isNotIn(401, 403);
            nodeA.deps.database().jdbi().useHandle(h -> h.createUpdate(
                    "UPDATE api_tokens SET expires_at = :at WHERE name = 'brief'").bind("at", Instant.now().minusSeconds(1)).execute());
            assertThat(nodeB.get("/api/v1/media", brief.token()).status()).isEqualTo(401);
        }
    }
}
