package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.hashing.FfmpegProgram;
import org.sightline.hashing.TestClips;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local classifier on videos: every contact-sheet frame is classified and each class keeps its highest score,
 * so a clip that turns to a flagged picture after its first seconds is flagged, not judged by its first frame. As in
 * {@link LocalClassifierPolicyTest}, no adult image is needed: a benign photo scoring porn + hentai about 0.056
 * crosses a threshold set at 0.03, one scoring 0.00003 does not.
 */
class VideoClassifierTest {
    private static byte[] benignOnly;
    private static byte[] benignThenOver;

    @TempDir
    Path data;
    TestServer server;
    String token;

    @BeforeAll
    static void makeClips() throws Exception {
        FfmpegProgram ffmpeg = TestClips.ffmpeg();
        Path dir = Files.createTempDirectory("sightline-stills");
        Path under = Files.write(dir.resolve("under.png"), Webhooks.resource("/pdq/images/misc-images/c.png"));
        Path over = Files.write(dir.resolve("over.jpg"), Webhooks.resource("/pdq/images/pytx/rgb.jpeg"));
        String scale = "scale=320:240,setsar=1,format=yuv420p";
        benignOnly = ffmpeg.make(".mp4", "-loop", "1", "-t", "6", "-i", under.toString(), "-vf", scale, "-r", "10",
                "-c:v", "libopenh264", "-b:v", "2M");
        // 3 s of the benign still, then 3 s of the one over the threshold
        benignThenOver = ffmpeg.make(".mp4", "-loop", "1", "-t", "3", "-i", under.toString(), "-loop", "1", "-t", "3",
                "-i", over.toString(), "-filter_complex", "[0:v]" + scale + "[a];[1:v]" + scale
                        + "[b];[a][b]concat=n=2:v=1[out]", "-map", "[out]", "-r", "10", "-c:v", "libopenh264",
                "-b:v", "2M");
        Files.delete(under);
        Files.delete(over);
        Files.delete(dir);
    }

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data)
                .with("decide.unmarked_adult_threshold", 0.03));
        token = server.token("scanner", Scope.SCAN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode scan(byte[] clip) {
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\""
                + Base64.getEncoder().encodeToString(clip) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static double adult(JsonNode scan) {
        JsonNode scores = scan.get("classifications").get(0).get("scores");
        return scores.get("porn").asDouble() + scores.get("hentai").asDouble();
    }

    @Test
    void eachClassKeepsItsHighestScoreOverTheContactSheetFrames() {
        JsonNode benign = scan(benignOnly);
        assertThat(benign.get("outcome").asText()).isEqualTo("scanned");
        assertThat(benign.get("classifications").get(0).get("classifier").asText()).isEqualTo("local");
        assertThat(adult(benign)).isLessThan(0.01);
        assertThat(benign.get("decision").asText()).isEqualTo("pass");

        JsonNode mixed = scan(benignThenOver);
        // the later frames' adult score, not the first frame's
        assertThat(adult(mixed)).isGreaterThan(0.03);
        // and the benign frames' neutral score all the same: each class its own maximum
        assertThat(mixed.get("classifications").get(0).get("scores").get("neutral").asDouble()).isGreaterThan(0.99);
        assertThat(mixed.get("decision").asText()).isEqualTo("review");
    }
}
