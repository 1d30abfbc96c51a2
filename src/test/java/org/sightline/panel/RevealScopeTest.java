package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.Webhooks;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #18: the panel shows the pictures of media that belong to a case, not of any media id. */
class RevealScopeTest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    long scan(String root, String image) {
        String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/" + image));
        return server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + b64 + "\"}").json().get("id").asLong();
    }

    @Test
    void media_without_a_case_is_neither_previewed_nor_revealed() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        String root = server.token("root", Scope.ADMIN);
        server.deps.banks().create(new BankService.BankSpec("suspect", "local", "review", "enforce", List.of("spam"),
                null, null, null));
        server.deps.banks().addEntries("suspect", List.of(new BankService.NewEntry("pdq",
                "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", List.of("spam"), null, null, null)), "test");
        long passed = scan(root, "misc-images/c.png");
        long matched = scan(root, "dih/bridge-2-rotate-90.jpg");
        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        PanelClient mia = new PanelClient(server.base);
        assertThat(mia.login("mia", "correct horse battery").status()).isIn(302, 303);
        mia.get("/queue");

        assertThat(mia.get("/media/" + matched + "/preview").status()).isEqualTo(200);
        assertThat(mia.postForm("/media/" + matched + "/reveal").status()).isEqualTo(200);
        assertThat(mia.get("/media/" + passed + "/preview").status()).isEqualTo(404);
        assertThat(mia.postForm("/media/" + passed + "/reveal").status()).isEqualTo(404);
        assertThat(server.deps.audit().search("mia", "reveal", "media:" + passed, Long.MAX_VALUE, 5)).isEmpty();
    }
}
