package org.sightline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.FfmpegProgram;
import org.sightline.hashing.TestClips;
import org.sightline.hashing.VideoDecoder;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSettings;
import org.sightline.hashing.VideoSignals;
import org.sightline.instances.InstanceService;
import org.sightline.matching.Vpdq;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Videos through ingest: a Mastodon video attachment is fetched whole (not its preview) from a stand-in media
 * server, hashed frame by frame and matched against a banked video; a damaged one goes to review with its reason.
 * The clips are made at run time by the bundled FFmpeg.
 */
class VideoIngestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static byte[] clip;
    private static VideoSignals clipSignals;
    private static byte[] otherClip;
    private static byte[] longClip;
    static final String GATE_SECRET = "pictrs-gate-secret-0123456789";

    @TempDir
    Path data;
    MediaServer media;
    TestServer server;
    String token;

    @BeforeAll
    static void makeClips() throws Exception {
        FfmpegProgram ffmpeg = TestClips.ffmpeg();
        clip = ffmpeg.h264(320, 240, 30, 6);
        otherClip = ffmpeg.make(".mp4", "-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=30", "-t", "4",
                "-c:v", "libopenh264", "-b:v", "2M", "-pix_fmt", "yuv420p");
        // 20 s at 640 × 480 and 30 frames/s: 600 frames to decode, far more than 100 ms of work
        longClip = ffmpeg.h264(640, 480, 30, 20);
        clipSignals = new VideoHasher(new VideoDecoder(VideoSettings.defaults(50_000_000L), 1, 1)).hash(clip);
    }

    @BeforeEach
    void start() {
        media = new MediaServer();
        server = new TestServer(Config.defaults().with("data.dir", data)
                .with("fetch.allow_private_addresses", true).with("ingest.poll_ms", 50)
                .with("fetch.timeout_ms", 5000).with("classifier.local.enabled", false));
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", "https://mastodon.example",
                Webhooks.SECRET, null, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-videos", "local", "reject", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-videos", List.of(new BankService.NewEntry("vpdq",
                Vpdq.canonical(clipSignals.vpdq()), List.of("other"), "test clip", null, null)), "test");
        token = server.token("scanner", Scope.SCAN);
    }

    @AfterEach
    void stop() {
        server.close();
        media.close();
    }

    /** A status.created whose one attachment is a video at {@code url}, with a still preview elsewhere. */
    private static byte[] videoStatus(String statusId, String type, String url, String previewUrl) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.status("status.created", statusId, "v" + statusId, url));
        ObjectNode attachment = (ObjectNode) root.get("object").get("media_attachments").get(0);
        attachment.put("type", type);
        attachment.put("url", url);
        attachment.put("preview_url", previewUrl);
        return JSON.writeValueAsBytes(root);
    }

    private JsonNode awaitDone(String statusId) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            JsonNode list = server.get("/api/v1/media?instance=social&status=" + statusId, token).json().get("media");
            if (list.size() == 1 && list.get(0).get("state").asText().equals("done")) return list.get(0);
            Thread.sleep(50);
        }
        throw new AssertionError("media of status " + statusId + " not processed in time");
    }

    @Test
    void aBankedVideoAttachmentIsFetchedWholeMatchedByItsFramesAndActedOnPerBankPolicy() throws Exception {
        String url = media.put("/files/clip.mp4", clip);
        // the preview is a harmless still: were it scanned instead of the video, nothing would match
        String preview = media.put("/files/clip-small.png", IngestEndToEndTest.image("misc-images/c.png"));
        assertThat(Webhooks.post(server, "social", videoStatus("2001", "video", url, preview), Webhooks.SECRET)
                .status()).isEqualTo(202);

        JsonNode m = awaitDone("2001");
        assertThat(m.get("outcome").asText()).isEqualTo("scanned");
        JsonNode signals = m.get("signals");
        assertThat(signals.get("kind").asText()).isEqualTo("video");
        assertThat(signals.get("format").asText()).isEqualTo("mp4");
        assertThat(signals.get("vpdq")).hasSize(6);
        assertThat(signals.get("vpdq").get(0).asText()).isEqualTo(clipSignals.vpdqText().get(0));
        assertThat(signals.get("video_md5").asText()).isEqualTo(clipSignals.videoMd5());
        assertThat(signals.get("sha256").asText()).isEqualTo(clipSignals.sha256());
        assertThat(signals.has("pdq")).isFalse();

        JsonNode match = m.get("matches").get(0);
        assertThat(match.get("bank").asText()).isEqualTo("known-videos");
        assertThat(match.get("signal_type").asText()).isEqualTo("vpdq");
        assertThat(match.get("video").get("banked_percent").asDouble()).isEqualTo(100.0);
        assertThat(match.get("video").get("upload_percent").asDouble()).isEqualTo(100.0);
        assertThat(match.get("video_evidence").asText())
                .isEqualTo("100 % of the banked video's frames found; 100 % of this upload's frames");
        assertThat(m.get("decision").asText()).isEqualTo("reject");
    }

    @Test
    void aGifvWithAnUnknownClipIsScannedAndPasses() throws Exception {
        String url = media.put("/files/other.mp4", otherClip);
        String preview = media.put("/files/other-small.png", IngestEndToEndTest.image("misc-images/c.png"));
        Webhooks.post(server, "social", videoStatus("2002", "gifv", url, preview), Webhooks.SECRET);

        JsonNode m = awaitDone("2002");
        assertThat(m.get("outcome").asText()).isEqualTo("scanned");
        assertThat(m.get("signals").get("vpdq")).hasSize(4);
        assertThat(m.get("matches")).isEmpty();
        assertThat(m.get("decision").asText()).isEqualTo("pass");
    }

    @Test
    void aTruncatedVideoGoesToReviewWithAOneLineReason() throws Exception {
        String url = media.put("/files/broken.mp4", Arrays.copyOf(clip, clip.length / 3));
        String preview = media.put("/files/broken-small.png", IngestEndToEndTest.image("misc-images/c.png"));
        Webhooks.post(server, "social", videoStatus("2003", "video", url, preview), Webhooks.SECRET);

        JsonNode m = awaitDone("2003");
        assertThat(m.get("outcome").asText()).isEqualTo("decode_failed");
        assertThat(m.get("reason").asText()).isNotBlank().doesNotContain("\n");
        assertThat(m.get("decision").asText()).isEqualTo("review");
        long mediaId = m.get("id").asLong();
        int cases = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM cases WHERE media_id = " + mediaId).mapTo(Integer.class).one());
        assertThat(cases).isOne();
    }

    @Test
    void aVideoOverTheVideoByteCapIsTooLargeAndGoesToReview() throws Exception {
        server.close();
        server = new TestServer(Config.defaults().with("data.dir", data)
                .with("fetch.allow_private_addresses", true).with("ingest.poll_ms", 50)
                .with("fetch.timeout_ms", 5000).with("classifier.local.enabled", false)
                .with("media.max_video_bytes", 1000).with("ingest.max_attempts", 1));
        token = server.token("scanner2", Scope.SCAN);
        String url = media.put("/files/big.mp4", clip);
        Webhooks.post(server, "social", videoStatus("2004", "video", url, url), Webhooks.SECRET);

        JsonNode m = awaitDone("2004");
        assertThat(m.get("outcome").asText()).isEqualTo("too_large");
        assertThat(m.get("decision").asText()).isEqualTo("review");
    }

    @Test
    void theScanApiAcceptsAVideoAndAnswersItsSignals() {
        String body = "{\"image_base64\":\"" + java.util.Base64.getEncoder().encodeToString(clip) + "\"}";
        TestServer.Response r = server.send("POST", "/api/v1/media", token, "application/json", body, null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("outcome").asText()).isEqualTo("scanned");
        assertThat(doc.get("signals").get("vpdq")).hasSize(6);
        assertThat(doc.get("matches").get(0).get("signal_type").asText()).isEqualTo("vpdq");
        assertThat(doc.get("decision").asText()).isEqualTo("reject");
    }

    private TestServer.Response gate(String instance, byte[] bytes) {
        return server.sendBytes("POST", "/hooks/pictrs/" + instance, "video/mp4", bytes, "Authorization",
                "Bearer " + GATE_SECRET);
    }

    @Test
    void thePictrsGateScansAVideoAndRejectsWhatARejectBankHolds() {
        server.deps.instances().add(new InstanceService.NewInstance("lemmy", "pictrs", "https://lemmy.example",
                GATE_SECRET, null, "open", 30_000, null));
        TestServer.Response banned = gate("lemmy", clip);
        assertThat(banned.status()).isEqualTo(406);
        assertThat(banned.json().get("decision").asText()).isEqualTo("reject");
        TestServer.Response clean = gate("lemmy", otherClip);
        assertThat(clean.status()).isEqualTo(200);
        assertThat(clean.json().get("decision").asText()).isEqualTo("pass");
        JsonNode m = server.get("/api/v1/media/" + clean.json().get("media_id").asLong(), token).json();
        assertThat(m.get("signals").get("kind").asText()).isEqualTo("video");
    }

    @Test
    void aVideoTheGateCannotDecideInTimeFollowsTheFailMode() {
        server.deps.instances().add(new InstanceService.NewInstance("lemmy", "pictrs", "https://lemmy.example",
                GATE_SECRET, null, "open", 100, null));
        server.deps.instances().add(new InstanceService.NewInstance("strict", "pictrs", "https://strict.example",
                GATE_SECRET, null, "closed", 100, null));
        TestServer.Response open = gate("lemmy", longClip);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.json().get("decision").asText()).isEqualTo("review");
        assertThat(open.json().get("reason").asText()).contains("no verdict within 100 ms");
        JsonNode m = server.get("/api/v1/media/" + open.json().get("media_id").asLong(), token).json();
        assertThat(m.get("outcome").asText()).isEqualTo("decode_failed");
        assertThat(m.get("decision").asText()).isEqualTo("review");

        TestServer.Response closed = gate("strict", longClip);
        assertThat(closed.status()).isEqualTo(406);
        assertThat(closed.json().get("decision").asText()).isEqualTo("reject");
    }

    @Test
    void aVideoAddedToABankLaterMatchesARecentUploadRetroactively() throws Exception {
        String url = media.put("/files/other.mp4", otherClip);
        Webhooks.post(server, "social", videoStatus("2005", "video", url, url), Webhooks.SECRET);
        JsonNode before = awaitDone("2005");
        assertThat(before.get("decision").asText()).isEqualTo("pass");

        // a moderator adds the same clip to a bank by its URL: the recent upload is matched now and goes to review
        String writer = server.token("bank-writer", Scope.BANKS_WRITE);
        TestServer.Response added = server.postJson("/api/v1/banks/known-videos/content", writer,
                "{\"url\":\"" + url + "\",\"labels\":[\"other\"]}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("retroactive_cases").asInt()).isEqualTo(1);

        JsonNode after = server.get("/api/v1/media/" + before.get("id").asLong(), token).json();
        JsonNode vpdq = null;
        for (JsonNode match : after.get("matches")) {
            if (match.get("signal_type").asText().equals("vpdq")) vpdq = match;
        }
        assertThat(vpdq).as(after.toString()).isNotNull();
        assertThat(vpdq.get("entry_id").asLong()).isEqualTo(added.json().get("id").asLong());
        assertThat(vpdq.get("video").get("banked_percent").asDouble()).isEqualTo(100.0);
        assertThat(vpdq.get("video").get("upload_percent").asDouble()).isEqualTo(100.0);
        int cases = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM cases WHERE media_id = " + before.get("id").asLong()).mapTo(Integer.class).one());
        assertThat(cases).isOne();
    }
}
