package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.PdqHash;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A case kept despite an allow-bank hit shows that hit as context on its page. */
class AllowMatchOnCasePageTest {
    @TempDir
    Path data;
    TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_case_page_shows_the_allow_bank_hit_that_did_not_veto_a_closer_match() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        String pdq = PanelFixtures.banks(server);
        PdqHash h = PdqHash.parse(pdq);
        String farther = new PdqHash(h.w0() ^ 0x1fL, h.w1(), h.w2(), h.w3()).hex(); // 5 bits away
        server.deps.banks().addEntries("known-good", List.of(new BankService.NewEntry("pdq", farther, null,
                "a look-alike meme", null, null)), "test");
        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        long caseId = PanelFixtures.cases(server, 1).get(0);

        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", "correct horse battery");
        String page = mia.get("/cases/" + caseId).body();
        assertThat(page).contains("known-good").contains("a look-alike meme")
                .contains("allow-bank match: vetoes pdq matches at distance 5 or more");
    }
}
