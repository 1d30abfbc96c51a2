package org.sightline.hashing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Animated WebP through libwebp's animation decoder (#13: animated GIF, animated WebP and APNG go through the same
 * frame path): frames picked by time, the caps checked from the chunks before decoding, hostile files refused.
 */
class AnimatedWebpTest {
    private static final long MAX_PIXELS = 50_000_000L;
    private static byte[] clip;
    /** The clip's first 10 s at 5 frames a second, lossless: 50 frames of 200 ms. */
    private static byte[] animation;

    @BeforeAll
    static void make() throws IOException {
        FfmpegProgram ffmpeg = TestClips.ffmpeg();
        clip = ffmpeg.h264(320, 240, 30, 10);
        Path in = Files.createTempFile("sightline-clip-", ".mp4");
        try {
            Files.write(in, clip);
            // every 6th frame at its own time (the fps filter would shift them): each whole second is the clip's
            animation = ffmpeg.make(".webp", "-i", in.toString(), "-vf", "select=not(mod(n\\,6))", "-fps_mode",
                    "passthrough", "-c:v", "libwebp_anim", "-lossless", "1", "-loop", "0");
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /** libwebpdemux is a system library: absent outside CI the tests skip, in CI ({@code .ci/run} installs it) they fail. */
    @BeforeEach
    void requireDemux() {
        AnimatedWebp webp = AnimatedWebp.detect();
        if (webp.available()) return;
        String why = "libwebpdemux2 is needed for the animated WebP tests: " + webp.describe();
        if (System.getenv("CI") != null) Assertions.fail(why);
        Assumptions.abort(why);
    }

    private static VideoHasher hasher(VideoSettings s) {
        return new VideoHasher(new VideoDecoder(s, 1, 1));
    }

    private static VideoSettings limits(long maxSeconds, long maxFrames, long maxPixels) {
        VideoSettings d = VideoSettings.defaults(MAX_PIXELS);
        return new VideoSettings(1.0, maxSeconds, d.maxBytes(), maxFrames, maxPixels, Duration.ofSeconds(60), 80, 80);
    }

    @Test
    void anAnimatedWebpIsHashedOneFramePerSecondAndMatchesTheVideoItWasMadeFrom() throws Exception {
        assertThat(VideoHasher.isVideo(animation)).isTrue();
        VideoSignals webp = hasher(VideoSettings.defaults(MAX_PIXELS)).hash(animation);
        VideoSignals mp4 = hasher(VideoSettings.defaults(MAX_PIXELS)).hash(clip);

        assertThat(webp.format()).isEqualTo(VideoFormat.WEBP);
        assertThat(webp.codec()).isEqualTo("webp");
        assertThat(webp.width()).isEqualTo(320);
        assertThat(webp.durationSeconds()).isEqualTo(10.0);
        assertThat(webp.vpdq()).extracting(VpdqFrame::timestamp)
                .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
        // the same moments of the same pictures (libwebp's and swscale's colour conversions differ a little)
        for (int i = 0; i < 10; i++) {
            assertThat(webp.vpdq().get(i).pdq().distance(mp4.vpdq().get(i).pdq())).as("second " + i)
                    .isLessThanOrEqualTo(8);
        }
        // and the moments differ from each other
        assertThat(webp.vpdq().get(0).pdq().distance(webp.vpdq().get(5).pdq())).isGreaterThan(31);
    }

    @Test
    void theServerSaysWhichAnimationDecoderItUses(@org.junit.jupiter.api.io.TempDir Path data) {
        try (org.sightline.TestServer server = new org.sightline.TestServer(data)) {
            assertThat(server.get("/metrics", null).body()).contains("sightline_decode_animated_webp 1.0");
        }
    }

    @Test
    void aStillWebpStaysAnImage() throws Exception {
        byte[] still = TestClips.ffmpeg().make(".webp", "-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v",
                "1", "-c:v", "libwebp");
        assertThat(VideoHasher.isVideo(still)).isFalse();
    }

    @Test
    void theCapsAreCheckedFromTheChunksBeforeDecoding() {
        assertThatThrownBy(() -> hasher(limits(5, 36_000, MAX_PIXELS)).hash(animation))
                .isInstanceOf(MediaException.class).hasMessageContaining("10 s is over the limit of 5 s")
                .extracting(e -> ((MediaException) e).reason()).isEqualTo(MediaException.Reason.TOO_LARGE);
        assertThatThrownBy(() -> hasher(limits(600, 40, MAX_PIXELS)).hash(animation))
                .hasMessageContaining("50 frames is over the limit of 40");
        assertThatThrownBy(() -> hasher(limits(600, 36_000, 320 * 240 - 1)).hash(animation))
                .hasMessageContaining("320 x 240 pixels is over the limit");
    }

    @Test
    void aCanvasClaimingSixteenThousandPixelsSquareIsRefusedBeforeLibwebpAllocatesIt() {
        byte[] huge = animation.clone();
        // VP8X canvas width-1 and height-1, 24 bits each: 16384 x 16384
        huge[24] = (byte) 0xFF; huge[25] = 0x3F; huge[26] = 0;
        huge[27] = (byte) 0xFF; huge[28] = 0x3F; huge[29] = 0;
        assertThatThrownBy(() -> hasher(VideoSettings.defaults(MAX_PIXELS)).hash(huge))
                .hasMessageContaining("16384 x 16384 pixels is over the limit")
                .extracting(e -> ((MediaException) e).reason()).isEqualTo(MediaException.Reason.TOO_LARGE);
    }

    @Test
    void truncatedAndCorruptedAnimationsAreRefusedWithAReasonAndNeverCrash() {
        VideoHasher h = hasher(VideoSettings.defaults(MAX_PIXELS));
        for (int cut : List.of(40, animation.length / 3, animation.length - 7)) {
            byte[] truncated = Arrays.copyOf(animation, cut);
            assertThatThrownBy(() -> h.hash(truncated)).as("cut at " + cut).isInstanceOf(MediaException.class)
                    .extracting(e -> ((MediaException) e).reason()).isEqualTo(MediaException.Reason.DECODE_FAILED);
        }
        Random random = new Random(7);
        int refused = 0, decoded = 0;
        for (int i = 0; i < 200; i++) {
            byte[] damaged = animation.clone();
            for (int k = 0; k < 20; k++) {
                int at = 30 + random.nextInt(damaged.length - 30); // keep the header: it routes here
                damaged[at] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                h.hash(damaged);
                decoded++;
            } catch (MediaException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                refused++;
            }
        }
        assertThat(refused + decoded).isEqualTo(200);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        System.arraycopy(animation, 0, noise, 0, 30);
        assertThatThrownBy(() -> h.hash(noise)).isInstanceOf(MediaException.class);
    }
}
