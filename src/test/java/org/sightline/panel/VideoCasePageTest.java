package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.audit.AuditEvent;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.hashing.FfmpegProgram;
import org.sightline.hashing.TestClips;
import org.sightline.hashing.VideoDecoder;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSettings;
import org.sightline.hashing.VideoSignals;
import org.sightline.matching.Vpdq;
import org.sightline.review.CaseDao;
import org.sightline.review.CaseRecord;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A video's case page: the match percentages and which kind of match each is, the contact sheet as stored
 * blurred greyscale frames with the matched ones marked, and the audited colour reveal of a frame.
 */
class VideoCasePageTest {
    private static byte[] clip;
    private static byte[] stillAt3s;
    private static VideoSignals clipSignals;

    @TempDir
    Path data;
    TestServer server;
    String token;

    @BeforeAll
    static void makeMedia() throws Exception {
        FfmpegProgram ffmpeg = TestClips.ffmpeg();
        clip = ffmpeg.h264(320, 240, 30, 6);
        // the pattern's frame at 3 s as a still: it matches the banked clip's fourth frame
        stillAt3s = ffmpeg.make(".png", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-ss", "3",
                "-frames:v", "1");
        clipSignals = new VideoHasher(new VideoDecoder(VideoSettings.defaults(50_000_000L), 1, 1)).hash(clip);
    }

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("classifier.local.enabled", false)
                .with("panel.undo_seconds", 0));
        server.deps.banks().create(new BankService.BankSpec("known-videos", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-videos", List.of(new BankService.NewEntry("vpdq",
                Vpdq.canonical(clipSignals.vpdq()), List.of("other"), "clip", null, null)), "test");
        // one frame of the clip banked as an image
        server.deps.banks().create(new BankService.BankSpec("known-stills", "local", "review", "enforce",
                List.of("other"), null, null, null));
        server.deps.banks().addEntries("known-stills", List.of(new BankService.NewEntry("pdq",
                clipSignals.vpdq().get(2).pdq().hex(), List.of("other"), "still", null, null)), "test");
        token = server.token("scanner", Scope.SCAN);
        server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode scan(byte[] bytes, String status) {
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\""
                + Base64.getEncoder().encodeToString(bytes) + "\",\"status\":\"" + status + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private long caseOf(JsonNode scan) {
        return server.deps.database().jdbi().onDemand(CaseDao.class).forMedia(scan.get("id").asLong())
                .map(CaseRecord::id).orElseThrow();
    }

    @Test
    void theCasePageShowsTheVideoEvidenceAndAContactSheetWithTheMatchedFramesMarked() throws Exception {
        JsonNode video = scan(clip, "v1");
        long mediaId = video.get("id").asLong();
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", "correct horse battery");
        String page = mia.get("/cases/" + caseOf(video)).body();

        assertThat(page).contains("100 % of the banked video&#39;s frames found; 100 % of this upload&#39;s frames")
                .contains("video frame at 0:02 matched an image entry");
        assertThat(page).contains("id=\"contact-sheet\"");
        assertThat(page).contains("6 vPDQ frames over 0:06 · video_md5 " + clipSignals.videoMd5());
        Matcher frames = Pattern.compile("<figure class=\"sheet-frame( matched)?\" data-at=\"([0-9.]+)\"").matcher(page);
        int count = 0;
        while (frames.find()) {
            count++;
            assertThat(frames.group(1)).as("every frame of the banked clip matched").isNotNull();
        }
        assertThat(count).isEqualTo(6); // a 6 s clip: one frame a second, all on the sheet
        assertThat(page).contains("/media/" + mediaId + "/sheet/5/preview").contains("distance 0")
                .doesNotContain("/media/" + mediaId + "/sheet/6/");

        // the stored frame is blurred greyscale; the reveal is colour and logged first
        PanelClient.Page preview = mia.get("/media/" + mediaId + "/sheet/3/preview");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.contentType()).startsWith("image/jpeg");
        assertThat(colourfulness(preview.raw().body())).isLessThan(3);
        PanelClient.Page reveal = mia.postForm("/media/" + mediaId + "/sheet/3/reveal");
        assertThat(reveal.status()).isEqualTo(200);
        assertThat(colourfulness(reveal.raw().body())).isGreaterThan(20);
        List<AuditEvent> events = server.deps.audit().search("mia", "reveal", "media:" + mediaId, Long.MAX_VALUE, 10);
        assertThat(events).extracting(AuditEvent::detail).anyMatch(d -> d.contains("frame=3"));
        assertThat(mia.get("/media/" + mediaId + "/sheet/9/preview").status()).isEqualTo(404);

        // a still from the banked clip: the page says it matched a frame of a banked video, and where
        JsonNode still = scan(stillAt3s, "s1");
        assertThat(still.get("matches").get(0).get("video").get("banked_at").asDouble()).isEqualTo(3.0);
        String stillPage = mia.get("/cases/" + caseOf(still)).body();
        assertThat(stillPage).contains("image matched a frame of a banked video at 0:03")
                .doesNotContain("id=\"contact-sheet\"");

        // retention deletes the sheet's pictures with the preview and the colour copy
        int gone = server.deps.database().jdbi().inTransaction(h ->
                new org.sightline.ingest.MediaDerivatives().delete(h, List.of(mediaId)));
        assertThat(gone).isEqualTo(2 + 2 * 6);
        assertThat(mia.get("/media/" + mediaId + "/sheet/0/preview").status()).isEqualTo(404);
    }

    @Test
    void confirmingAVideoCaseIntoABankAddsItsFramesAndVideoMd5() {
        server.deps.banks().create(new BankService.BankSpec("confirmed", "local", "review", "enforce",
                List.of("other"), null, null, null));
        JsonNode video = scan(clip, "v2");
        long caseId = caseOf(video);
        PanelClient mia = new PanelClient(server.base);
        mia.login("mia", "correct horse battery");
        mia.get("/cases/" + caseId);
        assertThat(mia.postForm("/cases/" + caseId + "/confirm", "label", "other", "bank", "confirmed").status())
                .isIn(302, 303);
        List<String> added = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT e.signal_type FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE b.name = 'confirmed'"
                        + " ORDER BY e.signal_type").mapTo(String.class).list());
        assertThat(added).containsExactly("video_md5", "vpdq");
        String value = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT e.signal_value FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE b.name = 'confirmed'"
                        + " AND e.signal_type = 'video_md5'").mapTo(String.class).one());
        assertThat(value).isEqualTo(clipSignals.videoMd5());
    }

    /** The largest difference between a pixel's colour channels: 0 for pure grey. */
    private static int colourfulness(byte[] jpeg) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        int max = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                max = Math.max(max, Math.max(Math.abs(r - g), Math.max(Math.abs(g - b), Math.abs(r - b))));
            }
        }
        return max;
    }
}
