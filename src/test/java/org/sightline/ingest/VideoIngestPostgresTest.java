package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.TestClips;
import org.sightline.store.TestDatabases;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Videos through ingest on PostgreSQL (migration V44's columns and view): the scan stores the video's signals,
 * contact sheet and match percentages, a clip added to a bank later matches it retroactively, and retention
 * deletes the contact sheet's frames.
 */
class VideoIngestPostgresTest {
    @TempDir
    Path dir;
    String url;

    @AfterEach
    void drop() {
        if (url != null) TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void aVideoIsScannedStoredMatchedRetroactivelyAndItsSheetDeletedOnPostgres() throws Exception {
        url = TestDatabases.createPostgresSchema();
        Config config = Config.load(null, Map.of("SIGHTLINE_DATA_DIR", dir.toString(), "SIGHTLINE_DB_URL", url,
                "SIGHTLINE_DB_USER", TestDatabases.PG_USER, "SIGHTLINE_CLASSIFIER_LOCAL_ENABLED", "false"));
        byte[] clip = TestClips.ffmpeg().h264(320, 240, 30, 4);
        try (TestServer s = new TestServer(config)) {
            String token = s.token("pg", Scope.SCAN, Scope.BANKS_WRITE);
            s.deps.banks().create(new BankService.BankSpec("pg-videos", "local", "review", "enforce",
                    List.of("other"), null, null, null));
            TestServer.Response scanned = s.postJson("/api/v1/media", token, "{\"image_base64\":\""
                    + Base64.getEncoder().encodeToString(clip) + "\"}");
            assertThat(scanned.status()).as(scanned.body()).isEqualTo(200);
            JsonNode doc = scanned.json();
            long id = doc.get("id").asLong();
            assertThat(doc.get("signals").get("vpdq")).hasSize(4);
            assertThat(doc.get("decision").asText()).isEqualTo("pass");
            assertThat(s.deps.scans().media().contactSheet(id)).containsExactly(0.0, 1.0, 2.0, 3.0);

            String boundary = "----pg-video";
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.mp4\""
                    + "\r\nContent-Type: video/mp4\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            body.writeBytes(clip);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            java.net.http.HttpResponse<String> added = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base + "/api/v1/banks/pg-videos/content"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            assertThat(added.body()).contains("\"retroactive_cases\":1");

            JsonNode after = s.get("/api/v1/media/" + id, token).json();
            JsonNode match = after.get("matches").get(0);
            assertThat(after.get("matches").toString()).contains("\"signal_type\":\"vpdq\"");
            for (JsonNode m : after.get("matches")) {
                if (m.get("signal_type").asText().equals("vpdq")) match = m;
            }
            assertThat(match.get("video").get("banked_percent").asDouble()).isEqualTo(100.0);

            int gone = s.deps.database().jdbi().inTransaction(h -> new MediaDerivatives().delete(h, List.of(id)));
            assertThat(gone).isEqualTo(2 + 2 * 4);
        }
    }
}
