package org.sightline.hashing;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Locale;

/**
 * JPEG through libjpeg-turbo's TurboJPEG API and WebP through libwebp, called with JNA, when those libraries are
 * installed ({@code libturbojpeg0}, {@code libwebp7} on Debian). They are the decoders Meta's HMA pipeline uses
 * (through Pillow), with their default settings (accurate integer DCT, fancy upsampling), so hashes stay
 * bit-exact; libjpeg-turbo is also about twice as fast as ImageIO. A library that is missing leaves its format to
 * ImageIO ({@link ImageDecoder} asks {@link #jpeg()} / {@link #webp()}).
 */
public final class NativeCodecs {
    /** TurboJPEG 2.x, the API {@code libturbojpeg.so.0} exports. */
    interface TurboJpeg extends Library {
        int TJPF_BGR = 1;
        int TJPF_GRAY = 6;
        int TJCS_GRAY = 2;
        int TJCS_CMYK = 3;
        int TJCS_YCCK = 4;
        int TJERR_WARNING = 0;

        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, int[] width, int[] height,
                                int[] subsampling, int[] colorspace);

        int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, Pointer dst, int width, int pitch, int height,
                          int pixelFormat, int flags);

        int tjGetErrorCode(Pointer handle);

        String tjGetErrorStr2(Pointer handle);

        int tjDestroy(Pointer handle);
    }

    /** The simple decoding API of libwebp. */
    interface WebP extends Library {
        int WebPGetDecoderVersion();

        int WebPGetInfo(byte[] data, NativeLong size, int[] width, int[] height);

        Pointer WebPDecodeBGRInto(byte[] data, NativeLong size, Pointer output, NativeLong outputSize, int stride);
    }

    private final TurboJpeg turbo;
    private final WebP webp;
    private final String description;

    private NativeCodecs(TurboJpeg turbo, WebP webp) {
        this.turbo = turbo;
        this.webp = webp;
        String w = "imageio";
        if (webp != null) {
            int v = webp.WebPGetDecoderVersion();
            w = String.format(Locale.ROOT, "libwebp %d.%d.%d", v >> 16, (v >> 8) & 0xFF, v & 0xFF);
        }
        this.description = "jpeg=" + (turbo != null ? "libjpeg-turbo" : "imageio") + " webp=" + w;
    }

    /** ImageIO for every format. */
    public static NativeCodecs none() {
        return new NativeCodecs(null, null);
    }

    /** The native libraries that are installed (on a 64-bit platform where {@code size_t} is a C long). */
    public static NativeCodecs detect() {
        if (Native.SIZE_T_SIZE != Native.LONG_SIZE) return none();
        // every function called must be there: TurboJPEG 1.x lacks the error calls, an old libwebp the BGR decoder
        return new NativeCodecs(load("turbojpeg", TurboJpeg.class, "tjGetErrorCode", "tjGetErrorStr2", "tjDecompress2",
                "tjDecompressHeader3"), load("webp", WebP.class, "WebPGetDecoderVersion", "WebPGetInfo", "WebPDecodeBGRInto"));
    }

    private static <T extends Library> T load(String name, Class<T> api, String... functions) {
        try {
            com.sun.jna.NativeLibrary library = com.sun.jna.NativeLibrary.getInstance(name);
            for (String f : functions) library.getFunction(f); // throws UnsatisfiedLinkError when missing
            return Native.load(name, api);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return null; // not installed (or JNA has no native stub for this platform): ImageIO decodes it
        }
    }

    public boolean jpeg() {
        return turbo != null;
    }

    public boolean webp() {
        return webp != null;
    }

    /** Which decoder each format goes through, e.g. {@code jpeg=libjpeg-turbo webp=libwebp 1.2.4}. */
    public String describe() {
        return description;
    }

    /** The colour model of a JPEG as its header states it. */
    record JpegHeader(int width, int height, int colorspace) {
        /** CMYK and YCCK need a colour conversion TurboJPEG does not do: ImageIO's is correct. */
        boolean needsImageIo() {
            return colorspace == TurboJpeg.TJCS_CMYK || colorspace == TurboJpeg.TJCS_YCCK;
        }
    }

    JpegHeader jpegHeader(byte[] jpeg) throws MediaException {
        Pointer h = turbo.tjInitDecompress();
        if (h == null) throw new MediaException(MediaException.Reason.DECODE_FAILED, "cannot start the JPEG decoder");
        try {
            int[] w = new int[1], ht = new int[1], sub = new int[1], cs = new int[1];
            if (turbo.tjDecompressHeader3(h, jpeg, new NativeLong(jpeg.length), w, ht, sub, cs) != 0) {
                throw new MediaException(MediaException.Reason.DECODE_FAILED,
                        "unreadable jpeg header: " + turbo.tjGetErrorStr2(h));
            }
            return new JpegHeader(w[0], ht[0], cs[0]);
        } finally {
            turbo.tjDestroy(h);
        }
    }

    /**
     * Decodes to 8-bit BGR (or grey for a greyscale JPEG). A warning is accepted as ImageIO's are, except a
     * premature end of data: a truncated JPEG is refused, as the reference pipeline refuses it.
     */
    BufferedImage decodeJpeg(byte[] jpeg, JpegHeader header) throws MediaException {
        boolean grey = header.colorspace() == TurboJpeg.TJCS_GRAY;
        BufferedImage image = new BufferedImage(header.width(), header.height(),
                grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int channels = grey ? 1 : 3;
        Pointer h = turbo.tjInitDecompress();
        if (h == null) throw new MediaException(MediaException.Reason.DECODE_FAILED, "cannot start the JPEG decoder");
        try (Memory out = new Memory(pixels.length)) {
            int rc = turbo.tjDecompress2(h, jpeg, new NativeLong(jpeg.length), out, header.width(),
                    header.width() * channels, header.height(), grey ? TurboJpeg.TJPF_GRAY : TurboJpeg.TJPF_BGR, 0);
            if (rc != 0) {
                String error = turbo.tjGetErrorStr2(h);
                String lower = error == null ? "" : error.toLowerCase(Locale.ROOT);
                if (turbo.tjGetErrorCode(h) != TurboJpeg.TJERR_WARNING) {
                    throw new MediaException(MediaException.Reason.DECODE_FAILED, "corrupt jpeg: " + error);
                }
                if (lower.contains("premature end") || lower.contains("truncated")) {
                    throw new MediaException(MediaException.Reason.DECODE_FAILED, "truncated jpeg: " + error);
                }
            }
            out.read(0, pixels, 0, pixels.length);
        } finally {
            turbo.tjDestroy(h);
        }
        return image;
    }

    /** Width and height from a WebP header, or null if libwebp cannot read it. */
    int[] webpSize(byte[] data) {
        int[] w = new int[1], h = new int[1];
        return webp.WebPGetInfo(data, new NativeLong(data.length), w, h) == 0 ? null : new int[]{w[0], h[0]};
    }

    /** Whether the file is an animation (VP8X header, animation flag): libwebp's simple API does not decode those. */
    static boolean webpAnimated(byte[] data) {
        return data.length > 20 && data[12] == 'V' && data[13] == 'P' && data[14] == '8' && data[15] == 'X'
                && (data[20] & 0x02) != 0;
    }

    /** Decodes to 8-bit BGR; an alpha channel is dropped (the hash reads the colour channels as stored). */
    BufferedImage decodeWebp(byte[] data, int width, int height) throws MediaException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        try (Memory out = new Memory(pixels.length)) {
            Pointer done = webp.WebPDecodeBGRInto(data, new NativeLong(data.length), out,
                    new NativeLong(pixels.length), width * 3);
            if (done == null) throw new MediaException(MediaException.Reason.DECODE_FAILED, "corrupt webp");
            out.read(0, pixels, 0, pixels.length);
        }
        return image;
    }
}
