package org.sightline.hashing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native decoders against ImageIO on the same bytes (the hash is the contract), WebP files made here with
 * libwebp's own encoder, and a fuzz run of damaged files through the native path.
 */
class NativeDecoderTest {
    /** libwebp's simple encoding API, to make test files (the decoder under test never encodes). */
    interface WebPEncoder extends Library {
        com.sun.jna.NativeLong WebPEncodeBGR(byte[] bgr, int width, int height, int stride, float quality,
                                            PointerByReference output);

        com.sun.jna.NativeLong WebPEncodeLosslessBGR(byte[] bgr, int width, int height, int stride,
                                                    PointerByReference output);

        void WebPFree(Pointer p);
    }

    private NativeCodecs codecs;
    private ImageDecoder nativePath;
    private final ImageDecoder imageIo = new ImageDecoder(50_000_000L, 2, 100_000_000L, NativeCodecs.none());
    private final PdqHasher pdq = new PdqHasher();

    @BeforeEach
    void requireLibraries() {
        codecs = NativeCodecs.detect();
        PdqHasherTest.requireNativeLibraries(codecs);
        nativePath = new ImageDecoder(50_000_000L, 2, 100_000_000L, codecs);
    }

    /** A picture with edges, gradients and colour, so that chroma subsampling and the DCT have work to do. */
    static BufferedImage picture(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom r = new SplittableRandom(seed);
        java.awt.Graphics2D g = img.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, new java.awt.Color(20, 90, 200), w, h, new java.awt.Color(240, 200, 40)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 40; i++) {
            g.setColor(new java.awt.Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillOval(r.nextInt(w), r.nextInt(h), 5 + r.nextInt(w / 3), 5 + r.nextInt(h / 3));
        }
        g.dispose();
        return img;
    }

    static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static byte[] webp(BufferedImage bgr, Float lossyQuality) {
        WebPEncoder enc = Native.load("webp", WebPEncoder.class);
        byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        PointerByReference out = new PointerByReference();
        long size = (lossyQuality == null
                ? enc.WebPEncodeLosslessBGR(pixels, bgr.getWidth(), bgr.getHeight(), bgr.getWidth() * 3, out)
                : enc.WebPEncodeBGR(pixels, bgr.getWidth(), bgr.getHeight(), bgr.getWidth() * 3, lossyQuality, out)).longValue();
        assertThat(size).isPositive();
        byte[] file = out.getValue().getByteArray(0, (int) size);
        enc.WebPFree(out.getValue());
        return file;
    }

    static byte[] pixels(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    @Test
    void baseline_progressive_and_greyscale_jpegs_decode_to_the_same_pixels_as_imageio() throws Exception {
        BufferedImage colour = picture(333, 250, 1);
        BufferedImage grey = new BufferedImage(333, 250, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(colour, 0, 0, null);
        List<byte[]> files = List.of(jpeg(colour, false), jpeg(colour, true), jpeg(grey, false), jpeg(grey, true),
                PdqTestVectors.image("bridge-mods/aaa-orig.jpg"), PdqTestVectors.image("misc-images/wee.jpg"));
        for (int i = 0; i < files.size(); i++) {
            DecodedImage a = nativePath.decode(files.get(i));
            DecodedImage b = imageIo.decode(files.get(i));
            assertThat(a.image().getType()).as("file " + i).isEqualTo(b.image().getType());
            assertThat(Arrays.equals(pixels(a.image()), pixels(b.image()))).as("pixels of file " + i).isTrue();
            assertThat(pdq.hash(a.image())).as("file " + i).isEqualTo(pdq.hash(b.image()));
        }
    }

    @Test
    void lossless_webp_decodes_to_the_pixels_it_was_made_from() throws Exception {
        BufferedImage source = picture(301, 207, 2);
        DecodedImage decoded = nativePath.decode(webp(source, null));
        assertThat(decoded.format()).isEqualTo(ImageFormat.WEBP);
        assertThat(Arrays.equals(pixels(decoded.image()), pixels(source))).isTrue();
        assertThat(pdq.hash(decoded.image())).isEqualTo(pdq.hash(source));
    }

    @Test
    void lossy_webp_decodes_close_to_its_source() throws Exception {
        BufferedImage source = picture(640, 480, 3);
        DecodedImage decoded = nativePath.decode(webp(source, 80f));
        assertThat(decoded.width()).isEqualTo(640);
        assertThat(pdq.hash(decoded.image()).hash().distance(pdq.hash(source).hash())).isLessThanOrEqualTo(16);
    }

    @Test
    void a_pixel_bomb_webp_is_refused_from_its_header() {
        ImageDecoder small = new ImageDecoder(10_000, 1, 10_000, codecs);
        byte[] file = webp(picture(200, 100, 4), 50f);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.decode(file))
                .isInstanceOfSatisfying(MediaException.class,
                        e -> assertThat(e.reason()).isEqualTo(MediaException.Reason.TOO_LARGE));
    }

    /**
     * 10,000 damaged files (truncated, bit-flipped, both) through libjpeg-turbo and libwebp: each decodes or is
     * refused with a {@link MediaException}; nothing else escapes and the JVM survives.
     */
    @Test
    void damaged_files_are_decoded_or_refused_and_never_crash_the_process() throws Exception {
        List<byte[]> seeds = List.of(jpeg(picture(96, 64, 5), false), jpeg(picture(96, 64, 6), true),
                webp(picture(96, 64, 7), 75f), webp(picture(96, 64, 8), null));
        SplittableRandom r = new SplittableRandom(20261129);
        int decoded = 0, refused = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] seed = seeds.get(i % seeds.size());
            byte[] damaged = switch (r.nextInt(3)) {
                case 0 -> Arrays.copyOf(seed, 1 + r.nextInt(seed.length - 1));
                case 1 -> flipped(seed, r);
                default -> Arrays.copyOf(flipped(seed, r), 1 + r.nextInt(seed.length - 1));
            };
            try {
                nativePath.decode(damaged, image -> pdq.hash(image.image()));
                decoded++;
            } catch (MediaException e) {
                assertThat(e.getMessage()).isNotBlank();
                refused++;
            }
        }
        assertThat(decoded + refused).isEqualTo(10_000);
        assertThat(refused).isGreaterThan(1000);
    }

    private static byte[] flipped(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int flips = 1 + r.nextInt(10);
        for (int k = 0; k < flips; k++) {
            // keep the magic bytes, so the damaged file still reaches the native decoder
            int at = 16 + r.nextInt(b.length - 16);
            b[at] ^= (byte) (1 << r.nextInt(8));
        }
        return b;
    }
}
