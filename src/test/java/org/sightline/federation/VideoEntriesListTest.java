package org.sightline.federation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A published bank that holds video signals: they stay out of its list (older subscribers would stop syncing at
 * an unknown signal type), the image signals are published, and retracting a video entry changes nothing.
 */
class VideoEntriesListTest {
    @TempDir
    Path dir;

    @Test
    void videoSignalsStayOutOfAPublishedListAndTheirRetractionIsNotLogged() {
        new KeyFiles(dir).generate(new java.security.SecureRandom());
        try (TestServer s = new TestServer(dir)) {
            String admin = s.token("admin", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", admin, "{\"name\":\"mixed\"}").status()).isEqualTo(201);
            TestServer.Response list = s.postJson("/api/v1/lists", admin,
                    "{\"name\":\"mixed\",\"bank\":\"mixed\",\"visibility\":\"public\"}");
            assertThat(list.status()).as(list.body()).isEqualTo(201);
            String pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
            TestServer.Response added = s.send("POST", "/api/v1/banks/mixed/entries", admin, "text/plain",
                    "pdq " + pdq + "\nvpdq [\"" + pdq + ",100,0.0\", \"" + pdq + ",90,1.0\"]\nvideo_md5 "
                            + "ab".repeat(16) + "\n", null);
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            long vpdqId = added.json().get("ids").get(1).asLong();

            String snapshot = s.get("/lists/mixed", null).body();
            assertThat(snapshot).contains("\"signal_type\":\"pdq\"").doesNotContain("vpdq").doesNotContain("video_md5");

            assertThat(s.send("DELETE", "/api/v1/banks/mixed/entries/" + vpdqId, admin, null, null, null).status())
                    .isEqualTo(200);
            assertThat(s.get("/lists/mixed/changes?since=0", null).body()).doesNotContain("retract");
        }
    }
}
