package org.sightline.banks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.hashing.FfmpegProgram;
import org.sightline.hashing.TestClips;
import org.sightline.hashing.MediaHasher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/banks/{name}/content} with real clips made by the bundled ffmpeg program, and vPDQ matching
 * through {@code POST /api/v1/match}: a trimmed copy, a longer video containing the clip, a still of one frame,
 * and a frame of a video against an image entry.
 */
class BankContentApiTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static HttpServer media;
    private static final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private static FfmpegProgram ffmpeg;
    private static byte[] clip;
    private static String writer;
    private static String matcher;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        server = new TestServer(Config.defaults().with("data.dir", dir.resolve("data"))
                .with("fetch.allow_private_addresses", "true"));
        writer = server.token("writer", Scope.BANKS_WRITE, Scope.BANKS_READ);
        matcher = server.token("matcher", Scope.MATCH);
        assertThat(server.postJson("/api/v1/banks", writer, "{\"name\":\"known-videos\"}").status()).isEqualTo(201);
        media = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        media.createContext("/", ex -> {
            byte[] body = served.get(ex.getRequestURI().getPath());
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        media.start();
        ffmpeg = TestClips.ffmpeg();
        clip = ffmpeg.h264(320, 240, 30, 10);
    }

    @AfterAll
    static void stop() {
        if (media != null) media.stop(0);
        if (server != null) server.close();
    }

    private static TestServer.Response upload(String bank, byte[] file, String labels) {
        String boundary = "----sightline" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"labels\"\r\n\r\n" + labels + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return server.sendBytes("POST", "/api/v1/banks/" + bank + "/content", "multipart/form-data; boundary=" + boundary,
                body.toByteArray(), "Authorization", "Bearer " + writer);
    }

    private static String temp(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "clip", ".bin"), bytes).toString();
    }

    private static List<String> vpdqOf(byte[] video) throws Exception {
        JsonNode v = JSON.readTree(JSON.writeValueAsString(
                new org.sightline.hashing.VideoHasher(new org.sightline.hashing.VideoDecoder(
                        org.sightline.hashing.VideoSettings.defaults(50_000_000L), 1, 1)).hash(video).vpdqText()));
        List<String> out = new ArrayList<>();
        v.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode match(String type, Object value) throws Exception {
        String body = JSON.writeValueAsString(Map.of("signal_type", type, "hash", value));
        TestServer.Response r = server.postJson("/api/v1/match", matcher, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("matches");
    }

    private static JsonNode only(JsonNode matches, String signalType) {
        List<JsonNode> of = new ArrayList<>();
        matches.forEach(m -> {
            if (m.get("signal_type").asText().equals(signalType)) of.add(m);
        });
        assertThat(of).as(matches.toString()).hasSize(1);
        return of.get(0);
    }

    @Test
    void aVideoIsAddedAsVpdqAndVideoMd5AndMatchesATrimmedCopyALongerVideoAndAStill() throws Exception {
        TestServer.Response r = upload("known-videos", clip, "terrorism");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode added = r.json();
        assertThat(added.get("signals").get("vpdq")).hasSize(10);
        assertThat(added.get("signals").get("video_md5").asText()).isEqualTo(MediaHasher.digest("MD5", clip));
        long id = added.get("id").asLong();
        assertThat(added.get("ids")).hasSize(2);

        // a copy trimmed to seconds 3..9 and re-encoded: every upload frame is in the banked video
        byte[] trimmed = ffmpeg.make(".mp4", "-ss", "3", "-i", temp(clip), "-t", "6", "-c:v", "libopenh264",
                "-b:v", "1M");
        JsonNode m = only(match("vpdq", vpdqOf(trimmed)), "vpdq");
        assertThat(m.get("entry_id").asLong()).isEqualTo(id);
        assertThat(m.get("labels").get(0).asText()).isEqualTo("terrorism");
        assertThat(m.get("video").get("upload_percent").asDouble()).isEqualTo(100.0);
        assertThat(m.get("video").get("banked_percent").asDouble()).isLessThan(80.0);

        // the clip inside a longer video (the clip, then 15 s of another pattern): all banked frames found
        byte[] other = ffmpeg.make(".mp4", "-f", "lavfi", "-i", "life=size=320x240:rate=30:mold=10", "-t", "15",
                "-c:v", "libopenh264", "-b:v", "1M");
        byte[] longer = ffmpeg.make(".mp4", "-i", temp(clip), "-i", temp(other), "-filter_complex",
                "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libopenh264", "-b:v", "2M");
        JsonNode inLonger = only(match("vpdq", vpdqOf(longer)), "vpdq");
        assertThat(inLonger.get("video").get("banked_percent").asDouble()).isEqualTo(100.0);
        assertThat(inLonger.get("video").get("upload_percent").asDouble()).isLessThan(80.0);

        // an unrelated video matches nothing
        assertThat(match("vpdq", vpdqOf(other))).isEmpty();

        // a still of the frame at 4 s matches the banked video's frame at 4 s
        byte[] still = ffmpeg.make(".png", "-i", temp(clip), "-vf", "select=eq(n\\,120)", "-frames:v", "1");
        String pdq = new MediaHasher(new org.sightline.hashing.ImageDecoder(50_000_000L, 1)).hash(still).pdq().hash().hex();
        JsonNode frame = only(match("pdq", pdq), "pdq");
        assertThat(frame.get("entry_id").asLong()).isEqualTo(id);
        assertThat(frame.get("video").get("banked_at").asDouble()).isEqualTo(4.0);

        // the same file matches by video_md5
        assertThat(only(match("video_md5", MediaHasher.digest("MD5", clip)), "video_md5").get("entry_id").asLong())
                .isEqualTo(added.get("ids").get(1).asLong());
    }

    @Test
    void anImageIsAddedByUrlAndAVideoFrameMatchesIt() throws Exception {
        assertThat(server.postJson("/api/v1/banks", writer, "{\"name\":\"known-images\"}").status()).isEqualTo(201);
        byte[] still = ffmpeg.make(".png", "-f", "lavfi", "-i", "mandelbrot=size=320x240", "-frames:v", "1");
        served.put("/still.png", still);
        TestServer.Response r = server.postJson("/api/v1/banks/known-images/content", writer,
                "{\"url\":\"http://127.0.0.1:" + media.getAddress().getPort() + "/still.png\",\"labels\":[\"other\"],"
                        + "\"note\":\"from a report\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String pdq = r.json().get("signals").get("pdq").asText();
        assertThat(r.json().get("signals").get("md5").asText()).isEqualTo(MediaHasher.digest("MD5", still));

        // a video that shows the still for 3 s after 2 s of something else
        byte[] lead = ffmpeg.make(".mp4", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2",
                "-c:v", "libopenh264");
        byte[] shown = ffmpeg.make(".mp4", "-loop", "1", "-i", temp(still), "-t", "3", "-r", "25", "-c:v",
                "libopenh264", "-b:v", "2M", "-pix_fmt", "yuv420p");
        byte[] video = ffmpeg.make(".mp4", "-i", temp(lead), "-i", temp(shown), "-filter_complex",
                "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libopenh264", "-b:v", "2M");
        JsonNode m = only(match("vpdq", vpdqOf(video)), "pdq");
        assertThat(m.get("bank").asText()).isEqualTo("known-images");
        assertThat(m.get("distance").asInt()).isLessThanOrEqualTo(31);
        assertThat(m.get("video").get("upload_at").asDouble()).isBetween(2.0, 4.0);
        assertThat(pdq).hasSize(64);
    }

    @Test
    void mediaTooPlainToHashReliablyIsRefusedWithItsReasonAndNothingIsAdded() throws Exception {
        assertThat(server.postJson("/api/v1/banks", writer, "{\"name\":\"plain\"}").status()).isEqualTo(201);
        byte[] grey = ffmpeg.make(".png", "-f", "lavfi", "-i", "color=c=gray:s=200x200", "-frames:v", "1");
        TestServer.Response r = upload("plain", grey, "");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("PDQ quality 0 is under 50");
        byte[] greyVideo = ffmpeg.make(".mp4", "-f", "lavfi", "-i", "color=c=gray:s=200x200:rate=10", "-t", "3",
                "-c:v", "libopenh264");
        TestServer.Response v = upload("plain", greyVideo, "");
        assertThat(v.status()).isEqualTo(400);
        assertThat(v.json().get("message").asText()).contains("no frame of this video has PDQ quality 50");
        assertThat(server.get("/api/v1/banks/plain", writer).json().get("active_entries").asLong()).isZero();
        // a URL Sightline must not fetch (a refused scheme) is refused too
        assertThat(server.postJson("/api/v1/banks/plain/content", writer, "{\"url\":\"file:///etc/passwd\"}")
                .status()).isEqualTo(400);
    }

    @Test
    void theRouteNeedsTheBanksWriteScope() {
        String reader = server.token("reader", Scope.BANKS_READ);
        TestServer.Response r = server.send("POST", "/api/v1/banks/known-videos/content", reader, "application/json",
                "{\"url\":\"http://127.0.0.1/x.mp4\"}", null);
        assertThat(r.status()).isEqualTo(403);
    }
}
