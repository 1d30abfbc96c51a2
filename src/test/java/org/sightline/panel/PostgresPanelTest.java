package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.config.Config;
import org.sightline.store.TestDatabases;
import org.sightline.access.Role;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The panel's queries on PostgreSQL: login, queue filters, claim, decisions, reveal, dashboard, audit chain. */
class PostgresPanelTest {
    @TempDir
    Path dir;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void two_nodes_append_to_one_audit_chain_on_postgres() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Map<String, String> env = Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER, "SIGHTLINE_INGEST_WORKERS", "0");
        try (TestServer a = new TestServer(Config.load(null, env)); TestServer b = new TestServer(Config.load(null, env))) {
            Thread ta = new Thread(() -> {
                for (int i = 0; i < 40; i++) a.deps.audit().append("node-a", "reveal", "media:" + i, "");
            });
            Thread tb = new Thread(() -> {
                for (int i = 0; i < 40; i++) b.deps.audit().append("node-b", "reveal", "media:" + i, "");
            });
            ta.start();
            tb.start();
            ta.join(60_000);
            tb.join(60_000);
            var v = a.deps.audit().verify();
            assertThat(v.ok()).as(v.problem()).isTrue();
            assertThat(v.events()).isEqualTo(80);
            // A session opened on one node is good on the other.
            a.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            PanelClient mia = new PanelClient(a.base);
            mia.login("mia", "correct horse battery");
            PanelClient sameCookie = new PanelClient(b.base);
            sameCookie.cookies.putAll(mia.cookies);
            assertThat(sameCookie.get("/queue").status()).isEqualTo(200);
        }
    }

    @Test
    void a_moderator_works_cases_on_postgres() {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER, "SIGHTLINE_INGEST_WORKERS", "0"));
        try (TestServer server = new TestServer(config)) {
            assertThat(server.deps.database().postgres()).isTrue();
            PanelFixtures.banks(server);
            List<Long> ids = PanelFixtures.cases(server, 3);
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            PanelClient mia = new PanelClient(server.base);
            assertThat(mia.login("mia", "correct horse battery").status()).isIn(302, 303);
            assertThat(mia.get("/queue?label=spam&bank=known-bad&outcome=review").body())
                    .contains("data-case=\"" + ids.get(0) + "\"");
            assertThat(mia.get("/queue?instance=x").body()).doesNotContain("data-case=");
            assertThat(mia.get("/cases/" + ids.get(0)).status()).isEqualTo(200);
            assertThat(mia.postForm("/media/" + PanelFixtures.mediaOf(server, ids.get(0)) + "/reveal").status()).isEqualTo(200);
            assertThat(mia.postForm("/cases/" + ids.get(0) + "/confirm", "label", "spam", "bank", "known-bad",
                    "action", "report").status()).isIn(302, 303);
            mia.get("/cases/" + ids.get(1));
            assertThat(mia.postForm("/cases/" + ids.get(1) + "/dismiss", "reason", "fine", "allow_bank", "known-good")
                    .status()).isIn(302, 303);
            mia.get("/cases/" + ids.get(2));
            assertThat(mia.postForm("/cases/" + ids.get(2) + "/escalate", "reason", "unsure").status()).isIn(302, 303);
            String dash = mia.get("/").body();
            assertThat(dash).contains("id=\"open-count\">0<").contains("id=\"escalated-count\">1<")
                    .containsPattern("<td>known-bad</td><td class=\"num\">2</td><td class=\"num\">1</td>");
            assertThat(mia.get("/audit").status()).isEqualTo(403);
            assertThat(server.deps.audit().verify().ok()).isTrue();
            for (int i = 0; i < 5; i++) new PanelClient(server.base).login("mia", "wrong password");
            assertThat(new PanelClient(server.base).login("mia", "correct horse battery").status()).isEqualTo(429);
        }
    }
}
