package org.sightline.hashing;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.Semaphore;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

/**
 * Decodes untrusted video and animations through FFmpeg (JavaCPP's bundled build), frame by frame, under limits
 * checked before and while decoding: the container must be one of {@link VideoFormat} (no other demuxer is
 * enabled, no protocol but the private temporary file), the header's duration, frame count and frame size must be
 * within the caps, and decoding stops at the frame cap, the duration cap or the time budget. Every refusal is a
 * {@link MediaException} with a one-line reason ({@code too_large} or {@code decode_failed}).
 *
 * <p>Frames are picked as python-threatexchange's vpdq picks them: the decoder's output frames are numbered from
 * 0, every {@code (int)(secondsPerHash × frameRate)}-th (at least every one) is converted to RGB24 with
 * {@code SWS_AREA} at its own size, and its time is {@code (float) frameNumber / (float) frameRate}, the frame rate
 * being the stream's average rate, else its real base rate. At most {@code concurrency} videos decode at once.
 */
public final class VideoDecoder {
    /** Linux's EAGAIN as FFmpeg reports it: the decoder wants more input. */
    private static final int EAGAIN = -11;
    private static final String DECODERS = "h264,hevc,vp8,libvpx,vp9,libvpx-vp9,av1,libdav1d,libaom-av1,mpeg4,"
            + "gif,apng,png,mjpeg";

    private final VideoSettings limits;
    private final Semaphore permits;
    private final int codecThreads;
    private final AnimatedWebp webp = AnimatedWebp.detect();

    /** One frame picked for hashing, in RGB (valid only during the callback). */
    public record Frame(int number, double timestamp, BufferedImage image) {
    }

    /** What the container says about the video stream. */
    public record Header(VideoFormat format, String codec, int width, int height, double frameRate,
                         double durationSeconds) {
    }

    @FunctionalInterface
    public interface FrameSink {
        void accept(Frame frame) throws MediaException;
    }

    /**
     * @param concurrency  videos decoded at once
     * @param codecThreads FFmpeg threads per video (1: one core per video)
     */
    public VideoDecoder(VideoSettings limits, int concurrency, int codecThreads) {
        if (concurrency <= 0 || codecThreads <= 0) throw new IllegalArgumentException("threads must be positive");
        this.limits = limits;
        this.permits = new Semaphore(concurrency, true);
        this.codecThreads = codecThreads;
    }

    public VideoSettings limits() {
        return limits;
    }

    /** Decodes the video, handing each picked frame to {@code sink}; returns the header. */
    public Header decode(byte[] bytes, FrameSink sink) throws MediaException {
        VideoFormat format = VideoFormat.sniff(bytes).orElseThrow(() -> new MediaException(
                MediaException.Reason.UNSUPPORTED,
                "not a supported video (MP4, MOV, WebM, animated GIF, APNG or animated WebP)"));
        if (bytes.length > limits.maxBytes()) {
            throw new MediaException(MediaException.Reason.TOO_LARGE, bytes.length
                    + " bytes is over the video limit of " + limits.maxBytes() + " bytes");
        }
        if (format == VideoFormat.GIF) {
            int images = AnimationProbe.gifImages(bytes, (int) Math.min(Integer.MAX_VALUE, limits.maxFrames() + 1));
            if (images > limits.maxFrames()) {
                throw new MediaException(MediaException.Reason.TOO_LARGE,
                        "the GIF has over " + limits.maxFrames() + " frames (the frame limit)");
            }
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.DECODE_FAILED, "interrupted while waiting to decode");
        }
        Path file = null;
        try {
            if (format == VideoFormat.WEBP) return webp.decode(bytes, limits, sink);
            file = privateCopy(bytes);
            return run(format, file, sink);
        } catch (IOException e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "cannot stage the video for decoding: " + ImageDecoder.oneLine(e));
        } catch (RuntimeException | LinkageError e) {
            throw new MediaException(MediaException.Reason.DECODE_FAILED,
                    "cannot decode " + format.label() + ": " + ImageDecoder.oneLine(e));
        } finally {
            permits.release();
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the temporary directory is cleaned by the system; nothing else to do
                }
            }
        }
    }

    /** FFmpeg reads a file it is given by name; this one is readable by us alone and deleted after. */
    private static Path privateCopy(byte[] bytes) throws IOException {
        Path file;
        try {
            file = Files.createTempFile("sightline-video-", ".bin",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            file = Files.createTempFile("sightline-video-", ".bin");
        }
        Files.write(file, bytes);
        return file;
    }

    private Header run(VideoFormat format, Path file, FrameSink sink) throws MediaException {
        long started = System.nanoTime();
        // FFmpeg would print its complaints about hostile files on stderr: the refusal's reason says what matters
        av_log_set_level(AV_LOG_QUIET);
        long budgetNanos = limits.decodeBudget().toNanos();
        AVFormatContext fmt = new AVFormatContext(null);
        AVDictionary openOptions = new AVDictionary(null);
        av_dict_set(openOptions, "format_whitelist", format.demuxers(), 0);
        av_dict_set(openOptions, "protocol_whitelist", "file", 0);
        av_dict_set(openOptions, "codec_whitelist", DECODERS, 0);
        int ret = avformat_open_input(fmt, "file:" + file.toAbsolutePath(), null, openOptions);
        av_dict_free(openOptions);
        if (ret < 0) throw failed("cannot open the " + format.label() + " container: " + error(ret));
        AVCodecContext codec = null;
        AVPacket packet = null;
        AVFrame frame = null;
        Converter converter = new Converter();
        try {
            int stream = firstVideoStream(fmt);
            if (stream >= 0) checkSize(fmt.streams(stream).codecpar());
            ret = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
            if (ret < 0) throw failed("cannot read the stream information: " + error(ret));
            stream = firstVideoStream(fmt);
            if (stream < 0) throw failed("the file has no video stream");
            AVStream video = fmt.streams(stream);
            AVCodecParameters par = video.codecpar();
            checkSize(par);
            double frameRate = frameRate(video);
            double duration = duration(fmt, video);
            if (duration > limits.maxSeconds()) {
                throw tooLarge(String.format(Locale.ROOT, "%.0f s is over the limit of %d s", duration,
                        limits.maxSeconds()));
            }
            if (video.nb_frames() > limits.maxFrames()) {
                throw tooLarge(video.nb_frames() + " frames is over the limit of " + limits.maxFrames());
            }
            AVCodec decoder = avcodec_find_decoder(par.codec_id());
            if (decoder == null) throw failed("no decoder for " + avcodec_get_name(par.codec_id()).getString());
            String codecName = avcodec_get_name(par.codec_id()).getString();
            codec = avcodec_alloc_context3(decoder);
            if (codec == null || avcodec_parameters_to_context(codec, par) < 0) {
                throw failed("cannot set up the " + codecName + " decoder");
            }
            AVDictionary codecOptions = new AVDictionary(null);
            av_dict_set(codecOptions, "max_pixels", Long.toString(Math.min(Integer.MAX_VALUE, limits.maxPixels())), 0);
            av_dict_set(codecOptions, "threads", Integer.toString(codecThreads), 0);
            ret = avcodec_open2(codec, decoder, codecOptions);
            av_dict_free(codecOptions);
            if (ret < 0) throw failed("cannot open the " + codecName + " decoder: " + error(ret));

            Header header = new Header(format, codecName, par.width(), par.height(), frameRate, duration);
            int frameMod = Math.max(1, (int) (limits.secondsPerHash() * frameRate));
            packet = av_packet_alloc();
            frame = av_frame_alloc();
            double timeBase = av_q2d(video.time_base());
            long[] decoded = {0};
            while (true) {
                if (System.nanoTime() - started > budgetNanos) {
                    throw failed("decoding took longer than the budget of " + limits.decodeBudget().toSeconds() + " s");
                }
                // a caller with a shorter budget (the pict-rs gate) gave up: stop, and free the permit
                if (Thread.currentThread().isInterrupted()) throw failed("interrupted: the caller stopped waiting");
                ret = av_read_frame(fmt, packet);
                if (ret == AVERROR_EOF()) break;
                if (ret < 0) throw failed("the file is damaged or truncated: " + error(ret));
                try {
                    if (packet.stream_index() != stream) continue;
                    ret = avcodec_send_packet(codec, packet);
                    if (ret < 0 && ret != EAGAIN) throw failed("the " + codecName + " stream is damaged: " + error(ret));
                } finally {
                    av_packet_unref(packet);
                }
                drain(codec, frame, converter, frameMod, frameRate, timeBase, decoded, sink);
            }
            avcodec_send_packet(codec, null); // flush the frames the decoder holds back
            drain(codec, frame, converter, frameMod, frameRate, timeBase, decoded, sink);
            if (decoded[0] == 0) throw failed("no frame could be decoded");
            return header;
        } finally {
            converter.close();
            if (frame != null) av_frame_free(frame);
            if (packet != null) av_packet_free(packet);
            if (codec != null) avcodec_free_context(codec);
            avformat_close_input(fmt);
        }
    }

    private void drain(AVCodecContext codec, AVFrame frame, Converter converter, int frameMod, double frameRate,
                       double timeBase, long[] decoded, FrameSink sink) throws MediaException {
        while (true) {
            int ret = avcodec_receive_frame(codec, frame);
            if (ret == EAGAIN || ret == AVERROR_EOF()) return;
            if (ret < 0) throw failed("a frame cannot be decoded: " + error(ret));
            try {
                long number = decoded[0]++;
                if (decoded[0] > limits.maxFrames()) {
                    throw tooLarge("over " + limits.maxFrames() + " frames (the frame limit)");
                }
                long pts = frame.best_effort_timestamp();
                if (pts != AV_NOPTS_VALUE() && pts * timeBase > limits.maxSeconds() + 1) {
                    throw tooLarge("the video runs past the limit of " + limits.maxSeconds() + " s");
                }
                if (number % frameMod == 0) {
                    if ((long) frame.width() * frame.height() > limits.maxPixels()) {
                        throw tooLarge(frame.width() + " x " + frame.height() + " pixels is over the limit of "
                                + limits.maxPixels() + " pixels");
                    }
                    BufferedImage image = converter.rgb(frame);
                    double timestamp = (float) number / (float) frameRate;
                    sink.accept(new Frame((int) number, timestamp, image));
                }
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    private static int firstVideoStream(AVFormatContext fmt) {
        for (int i = 0; i < fmt.nb_streams(); i++) {
            AVCodecParameters p = fmt.streams(i).codecpar();
            if (p != null && p.codec_type() == AVMEDIA_TYPE_VIDEO) return i;
        }
        return -1;
    }

    private void checkSize(AVCodecParameters par) throws MediaException {
        long pixels = (long) par.width() * par.height();
        if (par.width() < 0 || par.height() < 0) throw failed("the header declares a negative frame size");
        if (pixels > limits.maxPixels()) {
            throw tooLarge(par.width() + " x " + par.height() + " pixels is over the limit of " + limits.maxPixels()
                    + " pixels");
        }
    }

    /** vpdq's rule: the average frame rate, else the real base rate; a video without either cannot be sampled. */
    private static double frameRate(AVStream video) throws MediaException {
        AVRational r = video.avg_frame_rate();
        if (r.num() == 0 || r.den() == 0) r = video.r_frame_rate();
        if (r.num() <= 0 || r.den() <= 0) throw failed("the video's frame rate is unknown");
        return (double) r.num() / r.den();
    }

    private static double duration(AVFormatContext fmt, AVStream video) {
        double seconds = 0;
        if (fmt.duration() != AV_NOPTS_VALUE() && fmt.duration() > 0) seconds = fmt.duration() / (double) AV_TIME_BASE;
        if (video.duration() != AV_NOPTS_VALUE() && video.duration() > 0) {
            seconds = Math.max(seconds, video.duration() * av_q2d(video.time_base()));
        }
        return seconds;
    }

    private static MediaException failed(String message) {
        return new MediaException(MediaException.Reason.DECODE_FAILED, message);
    }

    private static MediaException tooLarge(String message) {
        return new MediaException(MediaException.Reason.TOO_LARGE, message);
    }

    private static String error(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Packed RGB24 pixels as an opaque sRGB image, without a copy. */
    static BufferedImage rgbImage(byte[] pixels, int w, int h) {
        DataBufferByte buffer = new DataBufferByte(pixels, pixels.length);
        WritableRaster raster = Raster.createInterleavedRaster(buffer, w, h, w * 3, 3, new int[]{0, 1, 2}, null);
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false,
                false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(model, raster, false, null);
    }

    /** YUV (or palette) to packed RGB24 at the frame's own size, reusing its buffers while the size stays. */
    private static final class Converter {
        private static final int OUTPUT_PADDING = 4096;
        private SwsContext sws;
        private int width = -1;
        private int height = -1;
        private int pixelFormat = -1;
        private BytePointer rgb;
        private final PointerPointer<BytePointer> dst = new PointerPointer<>(4);
        private final IntPointer dstLines = new IntPointer(4);

        BufferedImage rgb(AVFrame frame) throws MediaException {
            int w = frame.width();
            int h = frame.height();
            if (w <= 0 || h <= 0) throw failed("a frame has no pixels");
            if (sws == null || w != width || h != height || frame.format() != pixelFormat) {
                release();
                sws = sws_getContext(w, h, frame.format(), w, h, AV_PIX_FMT_RGB24, SWS_AREA, null, null,
                        (DoublePointer) null);
                if (sws == null) throw failed("cannot convert frames of pixel format " + frame.format());
                width = w;
                height = h;
                pixelFormat = frame.format();
                // swscale's vector code may write a little past the last row, as into av_frame_get_buffer's padding
                rgb = new BytePointer((long) w * h * 3 + OUTPUT_PADDING);
                dst.put(0, rgb);
                dstLines.put(0, w * 3);
            }
            sws_scale(sws, frame.data(), frame.linesize(), 0, h, dst, dstLines);
            byte[] pixels = new byte[w * h * 3];
            rgb.position(0).get(pixels);
            return rgbImage(pixels, w, h);
        }

        private void release() {
            if (sws != null) sws_freeContext(sws);
            sws = null;
            if (rgb != null) rgb.close();
            rgb = null;
        }

        void close() {
            release();
            dst.close();
            dstLines.close();
        }
    }
}
