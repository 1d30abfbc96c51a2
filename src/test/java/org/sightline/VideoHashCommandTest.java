package org.sightline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.hashing.TestClips;
import org.sightline.hashing.MediaHasher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hash --json clip.mp4} prints the video's vPDQ frames and video_md5; a bad video fails with its reason. */
class VideoHashCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void hashJsonPrintsTheVpdqFramesAndVideoMd5OfAClip() throws Exception {
        byte[] clip = TestClips.ffmpeg().h264(320, 240, 25, 4);
        Path file = Files.write(dir.resolve("clip.mp4"), clip);

        Run run = run(Map.of(), "hash", "--json", file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("file").asText()).isEqualTo(file.toString());
        assertThat(doc.get("kind").asText()).isEqualTo("video");
        assertThat(doc.get("codec").asText()).isEqualTo("h264");
        assertThat(doc.get("video_md5").asText()).isEqualTo(MediaHasher.digest("MD5", clip));
        assertThat(doc.get("sha256").asText()).isEqualTo(MediaHasher.digest("SHA-256", clip));
        assertThat(doc.get("vpdq")).hasSize(4);
        assertThat(doc.get("vpdq").get(2).asText()).matches("[0-9a-f]{64},\\d{1,3},2\\.0");
    }

    @Test
    void aVideoOverTheDurationCapFailsWithItsReasonAndExitCodeOne() throws Exception {
        byte[] clip = TestClips.ffmpeg().h264(64, 64, 10, 5);
        Path file = Files.write(dir.resolve("long.mp4"), clip);

        Run run = run(Map.of("SIGHTLINE_VIDEO_MAX_SECONDS", "2"), "hash", "--json", file.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo(file + ": too_large: 5 s is over the limit of 2 s");
    }
}
