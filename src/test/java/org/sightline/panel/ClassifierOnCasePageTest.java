package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.config.Config;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The case page shows each classifier's scores as bars, and the suggested action the adult rule offered. */
class ClassifierOnCasePageTest {
    @TempDir
    Path data;
    TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_case_page_shows_the_local_classifiers_scores_as_bars_and_suggests_mark_sensitive() throws Exception {
        // a benign photo whose porn + hentai (0.056) crosses a threshold set low for the test
        server = new TestServer(Config.defaults().with("data.dir", data).with("decide.unmarked_adult_threshold", 0.03));
        String token = server.token("scanner", Scope.SCAN);
        byte[] image;
        try (InputStream in = getClass().getResourceAsStream("/pdq/images/pytx/rgb.jpeg")) {
            image = in.readAllBytes();
        }
        JsonNode scan = server.postJson("/api/v1/media", token,
                "{\"image_base64\":\"" + Base64.getEncoder().encodeToString(image) + "\"}").json();
        assertThat(scan.get("decision").asText()).isEqualTo("review");
        long caseId = server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", scan.get("id").asLong()).mapTo(Long.class).one());

        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", "correct horse battery");
        String page = mia.get("/cases/" + caseId).body();
        assertThat(page).contains("possibly unmarked adult content")
                .contains("id=\"suggested-action\"").contains("<strong>mark_sensitive</strong>")
                .contains("data-classifier=\"local\"").contains("nsfwjs-mobilenet-v2 4.4.0")
                .contains("data-label=\"neutral\"").contains("class=\"bar\" style=\"width: ")
                .contains("id=\"marked-sensitive\">not known");
    }
}
