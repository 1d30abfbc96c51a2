package org.sightline.hashing;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** On the native path (libjpeg-turbo, libwebp); {@link ImageDecoderImageIoTest} runs the same tests on ImageIO. */
class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(50_000_000L, 2, 100_000_000L, codecs());

    NativeCodecs codecs() {
        NativeCodecs codecs = NativeCodecs.detect();
        PdqHasherTest.requireNativeLibraries(codecs);
        return codecs;
    }
    private final PdqHasher pdq = new PdqHasher();

    @Test
    void refuses_a_png_pixel_bomb_from_its_header_before_decoding() {
        byte[] bomb = png(50_000, 50_000, new byte[]{0, 0, 0, 0});
        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MediaException.Reason.TOO_LARGE);
                    assertThat(e.getMessage()).isEqualTo("50000 x 50000 pixels is over the limit of 50000000 pixels");
                });
    }

    @Test
    void refuses_a_jpeg_whose_header_declares_too_many_pixels() throws IOException {
        byte[] jpeg = jpeg(solid(64, 48, Color.GRAY));
        int sof = indexOfMarker(jpeg, 0xC0);
        // SOF0: FF C0, length (2), precision (1), height (2), width (2)
        jpeg[sof + 5] = (byte) 0xEA;
        jpeg[sof + 6] = 0x60; // 60000 rows
        jpeg[sof + 7] = (byte) 0xEA;
        jpeg[sof + 8] = 0x60; // 60000 columns
        assertThatThrownBy(() -> decoder.decode(jpeg))
                .isInstanceOfSatisfying(MediaException.class,
                        e -> assertThat(e.reason()).isEqualTo(MediaException.Reason.TOO_LARGE));
    }

    @Test
    void refuses_a_truncated_jpeg() {
        byte[] whole = PdqTestVectors.image("bridge-mods/aaa-orig.jpg");
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> decoder.decode(truncated))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MediaException.Reason.DECODE_FAILED);
                    assertThat(e.getMessage()).startsWith("truncated jpeg").doesNotContain("\n");
                });
    }

    @Test
    void refuses_random_bytes_whatever_their_name() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        noise[0] = 0x12;
        assertThatThrownBy(() -> decoder.decode(noise))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MediaException.Reason.UNSUPPORTED);
                    assertThat(e.getMessage()).isEqualTo("not a supported image (JPEG, PNG, GIF, WebP or BMP expected)");
                });
    }

    @Test
    void refuses_garbage_behind_a_jpeg_signature() {
        byte[] fake = new byte[4096];
        new Random(9).nextBytes(fake);
        fake[0] = (byte) 0xFF;
        fake[1] = (byte) 0xD8;
        fake[2] = (byte) 0xFF;
        assertThatThrownBy(() -> decoder.decode(fake))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MediaException.Reason.DECODE_FAILED);
                    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception");
                });
    }

    @Test
    void refuses_an_empty_file() {
        assertThatThrownBy(() -> decoder.decode(new byte[0]))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MediaException.Reason.UNSUPPORTED);
                    assertThat(e.getMessage()).isEqualTo("empty file");
                });
    }

    @Test
    void refuses_a_gif_with_no_frames() {
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 10, 0, 10, 0, 0, 0, 0, 0x3B};
        assertThatThrownBy(() -> decoder.decode(gif))
                .isInstanceOfSatisfying(MediaException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MediaException.Reason.DECODE_FAILED);
                    assertThat(e.getMessage()).isEqualTo("GIF has no frames");
                });
    }

    @Test
    void decodes_the_first_frame_of_an_animated_gif() throws Exception {
        byte[] gif = animatedGif(solid(40, 30, Color.BLACK), solid(40, 30, Color.WHITE));
        DecodedImage image = decoder.decode(gif);
        assertThat(image.format()).isEqualTo(ImageFormat.GIF);
        assertThat(image.width()).isEqualTo(40);
        assertThat(new Color(image.image().getRGB(20, 15))).isEqualTo(Color.BLACK);
    }

    @Test
    void lossless_reencodes_of_the_decoded_pixels_hash_identically_in_png_and_bmp()
            throws Exception {
        BufferedImage pixels = decoder.decode(PdqTestVectors.image("bridge-mods/aaa-orig.jpg")).image();
        PdqResult original = pdq.hash(pixels);
        for (String format : List.of("png", "bmp")) {
            byte[] reencoded = encode(pixels, format);
            DecodedImage decoded = decoder.decode(reencoded);
            assertThat(decoded.format().label()).isEqualTo(format);
            assertThat(pdq.hash(decoded.image())).as(format).isEqualTo(original);
        }
    }

    @Test
    void decodes_cmyk_jpeg_with_correct_colours() throws MediaException {
        BufferedImage rgb = decoder.decode(PdqTestVectors.image("misc-images/modes/RGB.jpg")).image();
        BufferedImage cmyk = decoder.decode(PdqTestVectors.image("misc-images/modes/CMYK.jpg")).image();
        double[] a = meanRgb(rgb);
        double[] b = meanRgb(cmyk);
        for (int c = 0; c < 3; c++) assertThat(Math.abs(a[c] - b[c])).as("channel " + c).isLessThan(12.0);
        // the same picture, so its PDQ is close to the RGB original's (reading CMYK as RGB inverts it)
        assertThat(pdq.hash(cmyk).hash().distance(pdq.hash(rgb).hash())).isLessThanOrEqualTo(31);
    }

    @Test
    void decodes_every_webp_variant_of_the_reference_set() throws MediaException {
        for (String name : List.of("F", "HSV", "I", "LAB", "PA")) {
            DecodedImage image = decoder.decode(PdqTestVectors.image("misc-images/modes/" + name + ".webp"));
            assertThat(image.format()).isEqualTo(ImageFormat.WEBP);
            assertThat(image.width()).isEqualTo(1600);
            assertThat(image.height()).isEqualTo(1004);
        }
    }

    @Test
    void never_decodes_more_images_at_once_than_it_has_permits() throws Exception {
        byte[] bytes = PdqTestVectors.image("bridge-mods/square-512x512.jpg");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                futures.add(pool.submit(() -> decoder.decode(bytes, image -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    sleepQuietly();
                    inside.decrementAndGet();
                    return null;
                })));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isBetween(1, 2);
    }

    @Test
    void reads_dimensions_from_the_header() throws MediaException {
        ImageDecoder.Header header = decoder.readHeader(PdqTestVectors.image("dih/bridge-2-rotate-90.jpg"));
        assertThat(header).isEqualTo(new ImageDecoder.Header(ImageFormat.JPEG, 1004, 1600));
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- helpers that build test images ---

    static BufferedImage solid(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static double[] meanRgb(BufferedImage image) {
        double[] sum = new double[3];
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y);
                sum[0] += (rgb >> 16) & 0xFF;
                sum[1] += (rgb >> 8) & 0xFF;
                sum[2] += rgb & 0xFF;
            }
        }
        double n = Math.ceil(image.getHeight() / 4.0) * Math.ceil(image.getWidth() / 4.0);
        return new double[]{sum[0] / n, sum[1] / n, sum[2] / n};
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) throw new IOException("no writer for " + format);
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage image) throws IOException {
        return encode(image, "jpeg");
    }

    private static int indexOfMarker(byte[] b, int marker) {
        for (int i = 0; i < b.length - 1; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker) return i;
        }
        throw new IllegalStateException("marker not found");
    }

    private static byte[] animatedGif(BufferedImage... frames) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) writer.writeToSequence(new IIOImage(frame, null, null), null);
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A PNG whose IHDR declares {@code w × h} RGB pixels, with {@code raw} as the only (inflated) data. */
    static byte[] png(int w, int h, byte[] raw) {
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        byte[] compressed = new byte[raw.length + 64];
        int n = deflater.deflate(compressed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", Arrays.copyOf(compressed, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes());
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(type.getBytes());
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
