package org.sightline.hashing;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * Turns untrusted bytes into pixels, safely: the format comes from the magic bytes, the dimensions from
 * the header, and anything over the pixel cap is refused before a single pixel is decoded. At most
 * {@code concurrency} images, and at most a budget of pixels, are decoded (and held) at once, so a burst of
 * large images cannot exhaust the heap. Every failure is a {@link MediaException} with a one-line reason.
 */
public final class ImageDecoder {
    private final long maxPixels;
    private final Semaphore permits;
    private final java.util.concurrent.atomic.AtomicLong pixelsInFlight = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong peakPixelsInFlight = new java.util.concurrent.atomic.AtomicLong();

    /** Pixels are budgeted in units of this many (a semaphore counts in ints). */
    private static final long UNIT = 1024;
    private final Semaphore pixelBudget;
    private final int budgetUnits;
    private final NativeCodecs codecs;

    /**
     * At most {@code concurrency} images at once, and twice {@code maxPixels} pixels in flight; JPEG and WebP
     * through the native libraries where installed.
     */
    public ImageDecoder(long maxPixels, int concurrency) {
        this(maxPixels, concurrency, saturatingDouble(maxPixels), NativeCodecs.detect());
    }

    /**
     * At most {@code concurrency} images and {@code maxPixelsInFlight} pixels decoded (and held) at once: a burst of
     * large images waits for memory instead of exhausting the heap. The budget is raised to {@code maxPixels} if
     * lower, so any image within the cap can be decoded.
     */
    public ImageDecoder(long maxPixels, int concurrency, long maxPixelsInFlight, NativeCodecs codecs) {
        this.codecs = codecs;
        if (maxPixels <= 0 || concurrency <= 0) throw new IllegalArgumentException("limits must be positive");
        this.maxPixels = maxPixels;
        this.permits = new Semaphore(concurrency, true);
        this.budgetUnits = (int) Math.min(Integer.MAX_VALUE, units(Math.max(maxPixels, maxPixelsInFlight)));
        this.pixelBudget = new Semaphore(budgetUnits, true);
        ImageIO.setUseCache(false);
    }

    private static long saturatingDouble(long n) {
        return n > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : n * 2;
    }

    private static long units(long pixels) {
        return (pixels + UNIT - 1) / UNIT;
    }

    /** Which decoder each format goes through. */
    public NativeCodecs codecs() {
        return codecs;
    }

    /** Pixels of the images being decoded or worked on now. */
    public long pixelsInFlight() {
        return pixelsInFlight.get();
    }

    /** The most pixels ever held at once by this decoder. */
    public long peakPixelsInFlight() {
        return peakPixelsInFlight.get();
    }

    /** What the header says, read without decoding pixels. */
    public record Header(ImageFormat format, int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** Work done on a decoded image while its decode permit is held. */
    @FunctionalInterface
    public interface ImageWork<T> {
        T apply(DecodedImage image) throws MediaException;
    }

    public Header readHeader(byte[] bytes) throws MediaException {
        ImageFormat format = sniff(bytes);
        Native n = nativeSource(format, bytes);
        if (n != null) return n.header();
        ImageReader reader = openReader(format, bytes);
        try {
            return header(format, reader);
        } finally {
            reader.dispose();
        }
    }

    /** An image the native libraries will decode: its header, and how to read its pixels. */
    private record Native(Header header, NativePixels pixels) {
    }

    @FunctionalInterface
    private interface NativePixels {
        BufferedImage read() throws MediaException;
    }

    /** The native path for this file, or null when ImageIO decodes it (library missing, CMYK, animation). */
    private Native nativeSource(ImageFormat format, byte[] bytes) throws MediaException {
        try {
            return nativeHeader(format, bytes);
        } catch (RuntimeException | LinkageError e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "unreadable " + format.label() + " header: " + oneLine(e));
        }
    }

    private Native nativeHeader(ImageFormat format, byte[] bytes) throws MediaException {
        if (format == ImageFormat.JPEG && codecs.jpeg()) {
            NativeCodecs.JpegHeader h = codecs.jpegHeader(bytes);
            if (h.needsImageIo()) return null;
            Header header = checked(format, h.width(), h.height());
            return new Native(header, () -> codecs.decodeJpeg(bytes, h));
        }
        if (format == ImageFormat.WEBP && codecs.webp() && !NativeCodecs.webpAnimated(bytes)) {
            int[] size = codecs.webpSize(bytes);
            if (size == null) throw new MediaException(MediaException.Reason.DECODE_FAILED, "unreadable webp header");
            Header header = checked(format, size[0], size[1]);
            return new Native(header, () -> codecs.decodeWebp(bytes, header.width(), header.height()));
        }
        return null;
    }

    /** A native decoder's unexpected failure is this image's failure, never the worker's. */
    private static BufferedImage nativePixels(Native nat, ImageFormat format) throws MediaException {
        try {
            return nat.pixels().read();
        } catch (RuntimeException | LinkageError e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "cannot decode " + format.label() + ": " + oneLine(e));
        }
    }

    private static Header checked(ImageFormat format, int width, int height) throws MediaException {
        if (width <= 0 || height <= 0) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "header declares an empty image (" + width + " x " + height + ")");
        }
        return new Header(format, width, height);
    }

    /**
     * Decodes the image and runs {@code work} on it while holding one of the decode permits, so that the
     * memory of at most {@code concurrency} decoded images is live at once.
     */
    public <T> T decode(byte[] bytes, ImageWork<T> work) throws MediaException {
        ImageFormat format = sniff(bytes);
        Native nat = nativeSource(format, bytes);
        ImageReader reader = nat == null ? openReader(format, bytes) : null;
        try {
            Header header = nat != null ? nat.header() : header(format, reader);
            if (header.pixels() > maxPixels) {
                throw new MediaException(MediaException.Reason.TOO_LARGE, String.format(Locale.ROOT,
                        "%d x %d pixels is over the limit of %d pixels", header.width(), header.height(), maxPixels));
            }
            int cost = (int) Math.min(budgetUnits, units(header.pixels()));
            acquirePixels(cost);
            try {
                acquire();
            } catch (MediaException e) {
                pixelBudget.release(cost);
                throw e;
            }
            peakPixelsInFlight.accumulateAndGet(pixelsInFlight.addAndGet(header.pixels()), Math::max);
            try {
                BufferedImage image = nat != null ? nativePixels(nat, format) : read(format, reader);
                return work.apply(new DecodedImage(format, image));
            } catch (OutOfMemoryError e) {
                throw new MediaException(MediaException.Reason.TOO_LARGE, "not enough memory to decode this image");
            } finally {
                pixelsInFlight.addAndGet(-header.pixels());
                permits.release();
                pixelBudget.release(cost);
            }
        } finally {
            if (reader != null) reader.dispose();
        }
    }

    /** Decodes the whole image (holding a permit only while decoding); for callers that keep the pixels. */
    public DecodedImage decode(byte[] bytes) throws MediaException {
        return decode(bytes, image -> image);
    }

    private static ImageFormat sniff(byte[] bytes) throws MediaException {
        if (bytes == null || bytes.length == 0) {
            throw new MediaException(MediaException.Reason.UNSUPPORTED, "empty file");
        }
        return ImageFormat.sniff(bytes).orElseThrow(() -> new MediaException(MediaException.Reason.UNSUPPORTED,
                "not a supported image (JPEG, PNG, GIF, WebP or BMP expected)"));
    }

    private static ImageReader openReader(ImageFormat format, byte[] bytes) throws MediaException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.label());
        if (!readers.hasNext()) {
            throw new MediaException(MediaException.Reason.UNSUPPORTED, "no decoder installed for " + format.label());
        }
        ImageReader reader = readers.next();
        ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
        reader.setInput(in, false, true);
        return reader;
    }

    private static Header header(ImageFormat format, ImageReader reader) throws MediaException {
        try {
            if (format == ImageFormat.GIF && reader.getNumImages(true) == 0) {
                throw new MediaException(MediaException.Reason.DECODE_FAILED, "GIF has no frames");
            }
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new MediaException(MediaException.Reason.DECODE_FAILED,
                        "header declares an empty image (" + width + " x " + height + ")");
            }
            return new Header(format, width, height);
        } catch (IOException | RuntimeException e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "unreadable " + format.label() + " header: " + oneLine(e));
        }
    }

    private static BufferedImage read(ImageFormat format, ImageReader reader) throws MediaException {
        List<String> truncation = new ArrayList<>();
        IIOReadWarningListener warnings = (source, warning) -> {
            String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (w.contains("premature end") || w.contains("truncated") || w.contains("missing eoi")) {
                truncation.add(warning);
            }
        };
        reader.addIIOReadWarningListener(warnings);
        try {
            BufferedImage image = reader.read(0, readParam(format, reader));
            if (!truncation.isEmpty()) {
                throw new MediaException(MediaException.Reason.DECODE_FAILED,
                        "truncated " + format.label() + ": " + truncation.get(0));
            }
            return image;
        } catch (IIOException e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "corrupt " + format.label() + ": " + oneLine(e));
        } catch (IOException | RuntimeException e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "cannot decode " + format.label() + ": " + oneLine(e));
        }
    }

    /**
     * For JPEG with an embedded ICC profile, asks for the samples as decoded (labelled with the embedded
     * colour space) instead of the reader's default, which converts them to sRGB: Meta's pipeline ignores
     * embedded profiles, and PDQ must match it to the bit. CMYK keeps the default (correct) conversion.
     */
    private static ImageReadParam readParam(ImageFormat format, ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        if (format != ImageFormat.JPEG) return param;
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (!types.hasNext()) return param;
        int components = types.next().getColorModel().getColorSpace().getNumComponents();
        while (types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            ColorSpace cs = type.getColorModel().getColorSpace();
            boolean embedded = cs instanceof ICC_ColorSpace && !cs.isCS_sRGB()
                    && cs != ColorSpace.getInstance(ColorSpace.CS_GRAY)
                    && (cs.getType() == ColorSpace.TYPE_RGB || cs.getType() == ColorSpace.TYPE_GRAY);
            if (embedded && cs.getNumComponents() == components) {
                param.setDestinationType(type);
                return param;
            }
        }
        return param;
    }

    private void acquirePixels(int units) throws MediaException {
        try {
            pixelBudget.acquire(units);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.DECODE_FAILED, "interrupted while waiting to decode");
        }
    }

    private void acquire() throws MediaException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.DECODE_FAILED, "interrupted while waiting to decode");
        }
    }

    /** The first line of an exception's message, without class names or stack frames. */
    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
