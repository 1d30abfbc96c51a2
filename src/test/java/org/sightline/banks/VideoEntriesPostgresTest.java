package org.sightline.banks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.hashing.PdqHash;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * vPDQ entries on PostgreSQL: a 900-frame video (a value of about 70 000 characters) added as pytx's
 * {@code vpdq <json>} line, matched by a trimmed upload, and matched the same after a restart (index snapshot).
 */
class VideoEntriesPostgresTest {
    @TempDir
    Path dir;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void aLongVpdqEntrySurvivesARestartAndMatchesATrimmedUploadByItsPercentages() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER));
        Random random = new Random(3);
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            PdqHash h = new PdqHash(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
            frames.add(new org.sightline.hashing.VpdqFrame(h, 90 + i % 11, i).text());
        }
        ObjectMapper json = new ObjectMapper();
        // python's json.dumps writes ", " between the strings
        String pytxLine = "vpdq " + json.writeValueAsString(frames).replace("\",\"", "\", \"");
        List<String> trimmed = frames.subList(100, 200);
        String probe = json.writeValueAsString(Map.of("signal_type", "vpdq", "hash", trimmed));
        String token;
        String before;
        try (TestServer s = new TestServer(config)) {
            token = s.token("pg", Scope.ADMIN);
            assertThat(s.postJson("/api/v1/banks", token, "{\"name\":\"pg-videos\"}").status()).isEqualTo(201);
            TestServer.Response added = s.send("POST", "/api/v1/banks/pg-videos/entries", token, "text/plain",
                    pytxLine + "\n", null);
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            TestServer.Response r = s.postJson("/api/v1/match", token, probe);
            JsonNode m = r.json().get("matches").get(0);
            assertThat(m.get("signal_type").asText()).isEqualTo("vpdq");
            assertThat(m.get("video").get("upload_percent").asDouble()).isEqualTo(100.0);
            assertThat(m.get("video").get("banked_percent").asDouble()).isEqualTo(11.1);
            before = r.body();
        }
        try (TestServer s = new TestServer(config)) {
            assertThat(s.postJson("/api/v1/match", token, probe).body()).isEqualTo(before);
            String export = s.get("/api/v1/banks/pg-videos/entries?format=txt", token).body();
            assertThat(export).startsWith("vpdq [\"" + frames.get(0) + "\",");
            assertThat(export.strip().split("\n")).hasSize(1);
        }
    }
}
