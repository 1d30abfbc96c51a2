package org.sightline.hashing;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** vPDQ through the bundled FFmpeg, on clips the bundled ffmpeg program makes at run time, and hostile files. */
class VideoHasherTest {
    private static FfmpegProgram ffmpeg;
    private static byte[] clip;

    private static final long MAX_PIXELS = 50_000_000L;

    @BeforeAll
    static void makeClip() throws IOException {
        ffmpeg = TestClips.ffmpeg();
        clip = ffmpeg.h264(320, 240, 30, 10);
    }

    private static VideoHasher hasher(VideoSettings settings) {
        return new VideoHasher(new VideoDecoder(settings, 2, 1));
    }

    private static VideoHasher hasher() {
        return hasher(VideoSettings.defaults(MAX_PIXELS));
    }

    @Test
    void anH264ClipGivesOneFramePerSecondWithHmaTimestampsAndDigests() throws Exception {
        VideoSignals s = hasher().hash(clip);

        assertThat(s.format()).isEqualTo(VideoFormat.MP4);
        assertThat(s.codec()).isEqualTo("h264");
        assertThat(s.width()).isEqualTo(320);
        assertThat(s.vpdq()).hasSize(10);
        assertThat(s.vpdq()).extracting(VpdqFrame::timestamp)
                .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
        assertThat(s.vpdqText().get(3)).matches("[0-9a-f]{64},\\d{1,3},3\\.0");
        assertThat(s.vpdq()).allMatch(VpdqFrame::matchable);
        assertThat(s.videoMd5()).isEqualTo(MediaHasher.digest("MD5", clip));
        assertThat(s.sha256()).isEqualTo(MediaHasher.digest("SHA-256", clip));
        // the pattern moves: the frames differ from each other
        assertThat(s.vpdq().get(0).pdq().distance(s.vpdq().get(5).pdq())).isGreaterThan(31);
    }

    @Test
    void aLongerIntervalPicksEveryNthFrame() throws Exception {
        VideoSettings d = VideoSettings.defaults(MAX_PIXELS);
        VideoSettings everyTwo = new VideoSettings(2.0, d.maxSeconds(), d.maxBytes(), d.maxFrames(), d.maxPixels(),
                d.decodeBudget(), 80, 80);
        assertThat(hasher(everyTwo).hash(clip).vpdq()).extracting(VpdqFrame::timestamp)
                .containsExactly(0.0, 2.0, 4.0, 6.0, 8.0);
    }

    @Test
    void aVideoFrameHashesBitForBitAsTheSameFrameSavedAsPng() throws Exception {
        VideoSignals s = hasher().hash(clip);
        // frame 90 (3 s), converted by the same swscale area conversion, written losslessly
        byte[] png = ffmpeg.make(".png", "-i", tempFile(clip), "-vf",
                "select=eq(n\\,90)", "-sws_flags", "area", "-frames:v", "1", "-pix_fmt", "rgb24");
        MediaHasher images = new MediaHasher(new ImageDecoder(MAX_PIXELS, 1));
        assertThat(images.hash(png).pdq().hash()).isEqualTo(s.vpdq().get(3).pdq());
    }

    @Test
    void theSameClipAsVp9InWebmMatchesFrameByFrame() throws Exception {
        byte[] webm = ffmpeg.make(".webm", "-i", tempFile(clip), "-c:v", "libvpx-vp9", "-b:v", "1M",
                "-deadline", "realtime", "-cpu-used", "8");
        VideoSignals h264 = hasher().hash(clip);
        VideoSignals vp9 = hasher().hash(webm);
        assertThat(vp9.format()).isEqualTo(VideoFormat.MATROSKA);
        assertThat(vp9.codec()).isEqualTo("vp9");
        assertThat(vp9.vpdq()).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(vp9.vpdq().get(i).pdq().distance(h264.vpdq().get(i).pdq())).isLessThanOrEqualTo(31);
        }
    }

    @Test
    void anAnimatedGifTakesTheVideoPathAndAStillGifDoesNot() throws Exception {
        byte[] gif = ffmpeg.make(".gif", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "3");
        byte[] still = ffmpeg.make(".gif", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-frames:v", "1");
        assertThat(VideoHasher.isVideo(gif)).isTrue();
        assertThat(VideoHasher.isVideo(still)).isFalse();
        VideoSignals s = hasher().hash(gif);
        assertThat(s.format()).isEqualTo(VideoFormat.GIF);
        assertThat(s.vpdq()).extracting(VpdqFrame::timestamp).containsExactly(0.0, 1.0, 2.0);
    }

    @Test
    void aTruncatedMp4IsDecodeFailed() throws Exception {
        byte[] cut = java.util.Arrays.copyOf(clip, clip.length / 2);
        assertThatThrownBy(() -> hasher().hash(cut)).isInstanceOfSatisfying(MediaException.class,
                e -> assertThat(e.reason()).isEqualTo(MediaException.Reason.DECODE_FAILED));
    }

    @Test
    void aTruncatedFastStartMp4IsDecodeFailed() throws Exception {
        byte[] fast = ffmpeg.make(".mp4", "-i", tempFile(clip), "-c", "copy", "-movflags", "+faststart");
        byte[] cut = java.util.Arrays.copyOf(fast, fast.length * 2 / 3);
        assertThatThrownBy(() -> hasher().hash(cut)).isInstanceOfSatisfying(MediaException.class,
                e -> assertThat(e.reason()).isEqualTo(MediaException.Reason.DECODE_FAILED));
    }

    @Test
    void randomBytesBehindAnMp4MagicAreDecodeFailed() {
        byte[] junk = new byte[200_000];
        new Random(7).nextBytes(junk);
        System.arraycopy(new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, 0, junk, 0, 12);
        assertThatThrownBy(() -> hasher().hash(junk)).isInstanceOfSatisfying(MediaException.class,
                e -> assertThat(e.reason()).isEqualTo(MediaException.Reason.DECODE_FAILED));
    }

    @Test
    void aHeaderClaiming100000By100000IsTooLargeBeforeDecoding() {
        byte[] mkv = Matroska.withOneFrame(100_000, 100_000, new byte[64]);
        assertThatThrownBy(() -> hasher().hash(mkv)).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.reason()).isEqualTo(MediaException.Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains("100000 x 100000");
        });
    }

    @Test
    void aTenHourVideoIsTooLargeFromItsHeader() throws Exception {
        // one frame every 100 s for 10 hours: a tiny file whose header says 36 000 s
        byte[] tenHours = ffmpeg.make(".mp4", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=0.01",
                "-t", "36000", "-c:v", "libopenh264");
        long started = System.nanoTime();
        assertThatThrownBy(() -> hasher().hash(tenHours)).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.reason()).isEqualTo(MediaException.Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains("over the limit of 600 s");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aGifOfTenThousandFramesIsRefusedOverTheFrameCapAndBoundedUnderIt() throws Exception {
        byte[] gif = ffmpeg.make(".gif", "-f", "lavfi", "-i", "testsrc2=size=32x32:rate=50", "-frames:v", "10000");
        assertThat(AnimationProbe.gifImages(gif, 20_000)).isEqualTo(10_000);
        VideoSettings capped = VideoSettings.defaults(MAX_PIXELS).withMaxFrames(5_000);
        assertThatThrownBy(() -> hasher(capped).hash(gif)).isInstanceOfSatisfying(MediaException.class, e -> {
            assertThat(e.reason()).isEqualTo(MediaException.Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains("5000 frames");
        });
        // under the default cap: 200 s at one frame per second
        assertThat(hasher().hash(gif).vpdq()).hasSize(200);
    }

    @Test
    void theTextFormIsPythonThreatexchangesVpdqCompactFeature() {
        assertThat(List.of(0.0, 1.0, 0.5, 12.0, 99.9, 100.0, 123.0, 599.0, 1.0 / 3, 0.0001, 1e-5, 19.999, 99.96,
                        0.00012345))
                .extracting(VpdqFrame::pythonThreeSignificant)
                .containsExactly("0.0", "1.0", "0.5", "12.0", "99.9", "1e+02", "1.23e+02", "5.99e+02", "0.333",
                        "0.0001", "1e-05", "20.0", "1e+02", "0.000123");
        String text = "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,100,1.23e+02";
        VpdqFrame f = VpdqFrame.parse(text);
        assertThat(f.quality()).isEqualTo(100);
        assertThat(f.timestamp()).isEqualTo(123.0);
        assertThat(f.text()).isEqualTo(text);
        assertThatThrownBy(() -> VpdqFrame.parse("abc,1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VpdqFrame.parse(text.replace(",100,", ",101,")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String tempFile(byte[] bytes) throws IOException {
        java.nio.file.Path p = java.nio.file.Files.createTempFile("sightline-test-", ".bin");
        p.toFile().deleteOnExit();
        java.nio.file.Files.write(p, bytes);
        return p.toString();
    }

    /** Writes a minimal Matroska file by hand: one VP8 track of the declared size and one block of junk. */
    static final class Matroska {
        static byte[] withOneFrame(int width, int height, byte[] payload) {
            byte[] ebml = element(0x1A45DFA3, concat(element(0x4282, "matroska".getBytes(StandardCharsets.US_ASCII)),
                    element(0x4287, uint(4)), element(0x4285, uint(2))));
            byte[] video = element(0xE0, concat(element(0xB0, uint(width)), element(0xBA, uint(height))));
            byte[] track = element(0xAE, concat(element(0xD7, uint(1)), element(0x73C5, uint(1)),
                    element(0x83, uint(1)), element(0x86, "V_VP8".getBytes(StandardCharsets.US_ASCII)),
                    element(0x23E383, uint(40_000_000)), video));
            byte[] tracks = element(0x1654AE6B, track);
            byte[] info = element(0x1549A966, concat(element(0x2AD7B1, uint(1_000_000))));
            byte[] block = concat(new byte[]{(byte) 0x81, 0, 0, (byte) 0x80}, payload);
            byte[] cluster = element(0x1F43B675, concat(element(0xE7, uint(0)), element(0xA3, block)));
            byte[] segment = element(0x18538067, concat(info, tracks, cluster));
            return concat(ebml, segment);
        }

        private static byte[] element(int id, byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int bytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
            for (int i = bytes - 1; i >= 0; i--) out.write(id >>> (8 * i));
            long size = body.length;
            out.write(0x01); // 8-byte size
            for (int i = 6; i >= 0; i--) out.write((int) (size >>> (8 * i)));
            out.writeBytes(body);
            return out.toByteArray();
        }

        private static byte[] uint(long v) {
            return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) out.writeBytes(p);
            return out.toByteArray();
        }
    }
}
