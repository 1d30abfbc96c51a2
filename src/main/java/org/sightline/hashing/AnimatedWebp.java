package org.sightline.hashing;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Animated WebP through libwebp's own animation decoder ({@code WebPAnimDecoder} of libwebpdemux, called with JNA):
 * FFmpeg 7.1 cannot decode animated WebP. The canvas size, frame count and total duration are read from the RIFF
 * chunks ({@link AnimationProbe#webpAnimation}) and checked against the caps before libwebp allocates anything;
 * decoding stops at the time budget.
 *
 * <p>Frames are picked by time, since an animation's frames have their own durations: at every multiple of
 * {@code video.vpdq_seconds_per_hash} the frame on the canvas at that moment is hashed, with that moment as its
 * timestamp. Transparency is dropped (the RGB values are kept), as the still WebP path and Pillow's
 * {@code convert("RGB")} do.
 */
public final class AnimatedWebp {
    /** {@code WEBP_DEMUX_ABI_VERSION} of libwebp's demux.h since 0.5 (the "Internal" entry points check it). */
    private static final int DEMUX_ABI_VERSION = 0x0107;
    /** {@code MODE_RGBA}: the animation decoder composes into RGBA (or BGRA) canvases only. */
    private static final int MODE_RGBA = 1;

    /** The animation decoding API of libwebpdemux (demux.h). */
    interface Demux extends Library {
        int WebPGetDemuxVersion();

        /** {@code WebPAnimDecoderOptions}: int color_mode, int use_threads, uint32_t padding[7]. */
        int WebPAnimDecoderOptionsInitInternal(Pointer options, int abiVersion);

        /** {@code WebPData}: const uint8_t* bytes, size_t size. */
        Pointer WebPAnimDecoderNewInternal(Pointer webpData, Pointer options, int abiVersion);

        int WebPAnimDecoderHasMoreFrames(Pointer decoder);

        int WebPAnimDecoderGetNext(Pointer decoder, PointerByReference rgba, IntByReference timestampMs);

        void WebPAnimDecoderDelete(Pointer decoder);
    }

    private final Demux demux;

    private AnimatedWebp(Demux demux) {
        this.demux = demux;
    }

    /** The installed libwebpdemux (64-bit platforms, where size_t is a C long), or one that refuses every file. */
    public static AnimatedWebp detect() {
        if (Native.SIZE_T_SIZE != Native.LONG_SIZE) return new AnimatedWebp(null);
        try {
            com.sun.jna.NativeLibrary library = com.sun.jna.NativeLibrary.getInstance("webpdemux");
            for (String f : new String[]{"WebPGetDemuxVersion", "WebPAnimDecoderOptionsInitInternal",
                    "WebPAnimDecoderNewInternal", "WebPAnimDecoderHasMoreFrames", "WebPAnimDecoderGetNext",
                    "WebPAnimDecoderDelete"}) {
                library.getFunction(f); // throws UnsatisfiedLinkError when missing
            }
            return new AnimatedWebp(Native.load("webpdemux", Demux.class));
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new AnimatedWebp(null);
        }
    }

    public boolean available() {
        return demux != null;
    }

    /** e.g. {@code libwebpdemux 1.2.4}, or what happens without it. */
    public String describe() {
        if (demux == null) return "none (animated WebP goes to review; install libwebpdemux2)";
        int v = demux.WebPGetDemuxVersion();
        return String.format(Locale.ROOT, "libwebpdemux %d.%d.%d", v >> 16, (v >> 8) & 0xFF, v & 0xFF);
    }

    VideoDecoder.Header decode(byte[] bytes, VideoSettings limits, VideoDecoder.FrameSink sink) throws MediaException {
        if (demux == null) {
            throw failed("animated WebP needs libwebpdemux, which is not installed (Debian/Ubuntu: libwebpdemux2)");
        }
        long started = System.nanoTime();
        AnimationProbe.WebpAnimation probe = AnimationProbe.webpAnimation(bytes);
        if (probe == null) throw failed("the animated WebP's chunks are damaged or truncated");
        long pixels = (long) probe.width() * probe.height();
        if (pixels > limits.maxPixels()) {
            throw tooLarge(probe.width() + " x " + probe.height() + " pixels is over the limit of "
                    + limits.maxPixels() + " pixels");
        }
        if (probe.frames() > limits.maxFrames()) {
            throw tooLarge(probe.frames() + " frames is over the limit of " + limits.maxFrames());
        }
        double seconds = probe.durationMs() / 1000.0;
        if (seconds > limits.maxSeconds()) {
            throw tooLarge(String.format(Locale.ROOT, "%.0f s is over the limit of %d s", seconds, limits.maxSeconds()));
        }
        if (probe.frames() == 0) throw failed("the animated WebP has no frames");
        try (Memory data = new Memory(bytes.length); Memory webpData = new Memory(Native.POINTER_SIZE + Native.SIZE_T_SIZE);
             Memory options = new Memory(4 * 9)) {
            data.write(0, bytes, 0, bytes.length);
            webpData.setPointer(0, data);
            webpData.setNativeLong(Native.POINTER_SIZE, new NativeLong(bytes.length));
            options.clear();
            if (demux.WebPAnimDecoderOptionsInitInternal(options, DEMUX_ABI_VERSION) == 0) {
                throw failed("libwebpdemux refused its options (ABI version)");
            }
            options.setInt(0, MODE_RGBA);
            options.setInt(4, 0); // use_threads: one core per animation, as for video
            Pointer decoder = demux.WebPAnimDecoderNewInternal(webpData, options, DEMUX_ABI_VERSION);
            if (decoder == null) throw failed("libwebp cannot read the animation");
            try {
                return frames(decoder, probe, limits, started, sink);
            } finally {
                demux.WebPAnimDecoderDelete(decoder);
            }
        }
    }

    private VideoDecoder.Header frames(Pointer decoder, AnimationProbe.WebpAnimation probe, VideoSettings limits,
                                       long started, VideoDecoder.FrameSink sink) throws MediaException {
        int w = probe.width();
        int h = probe.height();
        long stepMs = Math.max(1, Math.round(limits.secondsPerHash() * 1000));
        long nextPickMs = 0;
        int number = 0;
        int picked = 0;
        PointerByReference rgba = new PointerByReference();
        IntByReference endMs = new IntByReference();
        byte[] canvas = new byte[w * h * 4];
        while (demux.WebPAnimDecoderHasMoreFrames(decoder) != 0) {
            if (System.nanoTime() - started > limits.decodeBudget().toNanos()) {
                throw failed("decoding took longer than the budget of " + limits.decodeBudget().toSeconds() + " s");
            }
            if (demux.WebPAnimDecoderGetNext(decoder, rgba, endMs) == 0) {
                throw failed("frame " + (number + 1) + " of the animated WebP cannot be decoded");
            }
            // the frame is on the canvas until its end time: every pick moment before that shows it
            boolean read = false;
            while (nextPickMs < endMs.getValue() || (number == 0 && nextPickMs == 0)) {
                if (!read) {
                    rgba.getValue().read(0, canvas, 0, canvas.length);
                    read = true;
                }
                sink.accept(new VideoDecoder.Frame(number, nextPickMs / 1000.0, rgb(canvas, w, h)));
                picked++;
                nextPickMs += stepMs;
            }
            number++;
        }
        if (picked == 0) throw failed("no frame could be decoded");
        double duration = probe.durationMs() / 1000.0;
        return new VideoDecoder.Header(VideoFormat.WEBP, "webp", w, h, duration > 0 ? number / duration : 0, duration);
    }

    /** RGBA → packed RGB, transparency dropped. */
    private static BufferedImage rgb(byte[] rgba, int w, int h) {
        byte[] pixels = new byte[w * h * 3];
        for (int i = 0, j = 0; j < pixels.length; i += 4, j += 3) {
            pixels[j] = rgba[i];
            pixels[j + 1] = rgba[i + 1];
            pixels[j + 2] = rgba[i + 2];
        }
        return VideoDecoder.rgbImage(pixels, w, h);
    }

    private static MediaException failed(String message) {
        return new MediaException(MediaException.Reason.DECODE_FAILED, message);
    }

    private static MediaException tooLarge(String message) {
        return new MediaException(MediaException.Reason.TOO_LARGE, message);
    }
}
