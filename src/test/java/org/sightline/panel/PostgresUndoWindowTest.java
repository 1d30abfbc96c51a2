package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.review.CaseState;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The undo window's holds, withdrawals and release, the case page's choices and the queue chart on PostgreSQL. */
class PostgresUndoWindowTest {
    @TempDir
    Path dir;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void a_held_decision_is_undone_and_another_released_on_postgres() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER, "SIGHTLINE_INGEST_WORKERS", "0",
                "SIGHTLINE_PANEL_UNDO_SECONDS", "2"));
        try (TestServer server = new TestServer(config)) {
            assertThat(server.deps.database().postgres()).isTrue();
            PanelFixtures.banks(server);
            List<Long> ids = PanelFixtures.cases(server, 2);
            server.deps.banks().create(new BankService.BankSpec("confirmed", "local", "review", "enforce",
                    List.of(), null, null, null));
            long confirmed = server.deps.banks().get("confirmed").id();
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            String casePage = mia.get("/cases/" + ids.get(0)).body();
            assertThat(casePage).contains("id=\"unavailable-actions\"").contains("media without an instance");

            assertThat(mia.postForm("/cases/" + ids.get(0) + "/confirm", "label", "spam", "bank", "confirmed",
                    "action", "quarantine", "share", "1").status()).isIn(302, 303);
            long media0 = PanelFixtures.mediaOf(server, ids.get(0));
            String next = mia.get("/queue?done=" + ids.get(0)).body();
            assertThat(next).contains("Case " + ids.get(0) + " confirmed").contains("id=\"undo\"");
            assertThat(mia.postForm("/cases/" + ids.get(0) + "/undo").status()).isIn(302, 303);
            assertThat(server.deps.review().find(ids.get(0)).orElseThrow().state()).isEqualTo(CaseState.OPEN);
            assertThat(server.deps.actions().forMedia(media0)).isEmpty();

            mia.get("/cases/" + ids.get(1));
            assertThat(mia.postForm("/cases/" + ids.get(1) + "/confirm", "label", "spam", "bank", "confirmed")
                    .status()).isIn(302, 303);
            UndoWindowTest.await(() -> server.deps.banks().countActive(confirmed));
            Thread.sleep(2500);
            assertThat(server.deps.banks().countActive(confirmed)).isEqualTo(1);
            assertThat(new org.sightline.federation.ShareProposals(server.deps.database().jdbi()).forMedia(media0))
                    .as("the undone share proposal").isEmpty();
            assertThat(mia.get("/").body()).contains("id=\"queue-chart\"");
        }
    }
}
