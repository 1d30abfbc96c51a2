package org.sightline.hashing;

import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ffmpeg} program JavaCPP ships inside its jar, run as a child process to make video clips (the bench
 * and the tests generate theirs at run time; nothing in the server's scan path runs it). The LGPL build has the
 * libopenh264 (H.264), libvpx (VP8/VP9), libaom/SVT-AV1, GIF, APNG and libwebp encoders.
 */
public final class FfmpegProgram {
    private final String path;
    private final Path links;

    private FfmpegProgram(String path, Path links) {
        this.path = path;
        this.links = links;
    }

    /**
     * Unpacks the bundled program (once per JVM, into JavaCPP's cache) and returns it.
     *
     * @throws Unavailable when the program's libraries cannot load on this machine
     */
    public static FfmpegProgram bundled() {
        String program;
        try {
            // loading the libraries first makes JavaCPP lay out their versioned names (libva.so.2, ...) in its
            // cache, which the program's own loader then finds beside it
            for (Class<?> c : List.of(org.bytedeco.ffmpeg.global.avutil.class,
                    org.bytedeco.ffmpeg.global.avcodec.class, org.bytedeco.ffmpeg.global.avformat.class,
                    org.bytedeco.ffmpeg.global.swscale.class, org.bytedeco.ffmpeg.global.swresample.class,
                    org.bytedeco.ffmpeg.global.avfilter.class, org.bytedeco.ffmpeg.global.avdevice.class)) {
                Loader.load(c);
            }
            program = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new Unavailable(e);
        }
        return new FfmpegProgram(program, sonameLinks(Path.of(program).getParent()));
    }

    /**
     * The program links FFmpeg's libavdevice, which JavaCPP's build links against the system's PulseAudio client
     * library; the server's scan path (libavformat, libavcodec, libswscale) does not need it.
     */
    public static final class Unavailable extends IllegalStateException {
        Unavailable(Throwable cause) {
            super("the bundled ffmpeg program cannot start here (" + cause.getMessage() + "); it needs the PulseAudio"
                    + " client library libpulse.so.0 (Debian/Ubuntu package libpulse0)", cause);
        }
    }

    /**
     * JavaCPP unpacks libva as {@code libva.so}, but the program asks for its soname {@code libva.so.2}: a private
     * directory of links under those names, put on the program's library path, lets it start on a machine without
     * a system libva.
     */
    private static Path sonameLinks(Path dir) {
        try {
            Path links = Files.createTempDirectory("sightline-ffmpeg-");
            links.toFile().deleteOnExit();
            for (String name : List.of("libva", "libva-drm")) {
                Path target = dir.resolve(name + ".so");
                if (!Files.exists(target)) continue;
                Path link = links.resolve(name + ".so.2");
                Files.createSymbolicLink(link, target);
                link.toFile().deleteOnExit();
            }
            return links;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the ffmpeg program's libraries", e);
        }
    }

    /**
     * Runs {@code ffmpeg -y <args> <out>} into a temporary file of the given suffix and returns the file's bytes;
     * a failure names the program's last words.
     */
    public byte[] make(String suffix, String... args) throws IOException {
        Path out = Files.createTempFile("sightline-clip-", suffix);
        try {
            List<String> command = new ArrayList<>(List.of(path, "-hide_banner", "-loglevel", "error", "-nostdin",
                    "-y"));
            command.addAll(List.of(args));
            command.add(out.toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            String inherited = builder.environment().get("LD_LIBRARY_PATH");
            builder.environment().put("LD_LIBRARY_PATH", links + (inherited == null ? "" : ":" + inherited));
            Process p = builder.start();
            byte[] said = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("ffmpeg did not finish in 10 minutes");
            }
            if (p.exitValue() != 0) {
                String text = new String(said, StandardCharsets.UTF_8).strip();
                throw new IOException("ffmpeg failed (" + p.exitValue() + "): "
                        + text.substring(Math.max(0, text.length() - 300)));
            }
            return Files.readAllBytes(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running ffmpeg", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * A moving test pattern (FFmpeg's {@code testsrc2}) of the given size, rate and length, H.264 in MP4 through
     * libopenh264.
     */
    public byte[] h264(int width, int height, int fps, double seconds) throws IOException {
        return make(".mp4", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=" + fps,
                "-t", Double.toString(seconds), "-c:v", "libopenh264", "-b:v", "2M", "-pix_fmt", "yuv420p");
    }
}
