package org.sightline.cli;

import org.sightline.hashing.Dihedral;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.NativeCodecs;
import org.sightline.config.SharedSettings;
import org.sightline.hashing.MediaException;
import org.sightline.hashing.MediaHasher;
import org.sightline.hashing.PerceptualHashes;
import org.sightline.hashing.Signals;
import org.sightline.hashing.VideoDecoder;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSettings;
import org.sightline.hashing.VideoSignals;
import org.sightline.hashing.VpdqFrame;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.config.Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code hash [--json] [--dihedral] FILE...}: the signals of each file, in the order given. */
@Command(name = "hash", description = "Print PDQ (with quality), pHash, dHash, MD5 and SHA-256 of image files; "
        + "vPDQ (one frame per video.vpdq_seconds_per_hash), video_md5 and SHA-256 of videos and animations.")
public final class HashCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @CommandLine.Mixin
    ConfigOption configOption = new ConfigOption();
    @Option(names = "--json", description = "One JSON object per line")
    boolean json;
    @Option(names = "--dihedral", description = "Also print the 8 PDQ dihedral variants")
    boolean dihedral;
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public HashCommand(Map<String, String> env) {
        this.env = env;
    }

    /** One file's signals or the one-line reason it could not be hashed. */
    private record Outcome(Path file, Signals signals, VideoSignals video, String error) {
        static Outcome failed(Path file, String error) {
            return new Outcome(file, null, null, error);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Config config = configOption.load(env);
        MediaHasher hasher = new MediaHasher(new ImageDecoder(config.maxPixels(), config.decodeConcurrency(),
                SharedSettings.DECODE_MAX_PIXELS_IN_FLIGHT.from(config),
                SharedSettings.DECODE_NATIVE.from(config) ? NativeCodecs.detect() : NativeCodecs.none()));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VideoSettings videoSettings = VideoSettings.from(config);
        // one core per video: the files are hashed in parallel already
        VideoHasher videos = new VideoHasher(new VideoDecoder(videoSettings, config.decodeConcurrency(), 1));
        ObjectMapper mapper = new ObjectMapper();
        ExecutorService pool = Executors.newFixedThreadPool(config.decodeConcurrency());
        int failed = 0;
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (Path file : files) outcomes.add(pool.submit(() -> hashOne(hasher, videos, file, config.maxMediaBytes())));
            for (Future<Outcome> future : outcomes) {
                Outcome o = future.get();
                if (o.error() != null) {
                    err.println(o.file() + ": " + o.error());
                    failed++;
                } else if (json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("file", o.file().toString());
                    doc.putAll(o.video() != null ? o.video().toJson() : o.signals().toJson(dihedral));
                    out.println(mapper.writeValueAsString(doc));
                } else if (o.video() != null) {
                    printVideo(out, o.file(), o.video());
                } else {
                    printText(out, o.file(), o.signals());
                }
                out.flush();
            }
        } catch (ExecutionException | IOException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        return failed == 0 ? 0 : 1;
    }

    private static Outcome hashOne(MediaHasher hasher, VideoHasher videos, Path file, long maxBytes) {
        try {
            long size = Files.size(file);
            long maxVideoBytes = videos.decoder().limits().maxBytes();
            if (size > Math.max(maxBytes, maxVideoBytes)) {
                return Outcome.failed(file, "too_large: " + size + " bytes is over the limit of "
                        + Math.max(maxBytes, maxVideoBytes));
            }
            byte[] bytes = Files.readAllBytes(file);
            if (VideoHasher.isVideo(bytes)) return new Outcome(file, null, videos.hash(bytes), null);
            if (size > maxBytes) {
                return Outcome.failed(file, "too_large: " + size + " bytes is over the limit of " + maxBytes);
            }
            return new Outcome(file, hasher.hash(bytes), null, null);
        } catch (MediaException e) {
            return Outcome.failed(file, e.reason().label() + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            return Outcome.failed(file, "no such file");
        } catch (IOException e) {
            return Outcome.failed(file, "cannot read: " + ImageDecoder.oneLine(e));
        }
    }

    private static void printVideo(PrintWriter out, Path file, VideoSignals v) {
        out.println(file);
        out.printf("  video      %s %s %dx%d, %.3f s at %.3f frames/s%n", v.format().label(), v.codec(), v.width(),
                v.height(), v.durationSeconds(), v.frameRate());
        out.printf("  video_md5  %s%n", v.videoMd5());
        out.printf("  sha256     %s%n", v.sha256());
        out.printf("  vpdq       %d frames (%d of quality >= 50)%n", v.vpdq().size(), v.matchableFrames());
        for (VpdqFrame f : v.vpdq()) out.printf("    %s%n", f.text());
    }

    private void printText(PrintWriter out, Path file, Signals s) {
        out.println(file);
        out.printf("  pdq     %s  quality %d%n", s.pdq().hash().hex(), s.pdq().quality());
        out.printf("  phash   %s%n", PerceptualHashes.hex(s.phash()));
        out.printf("  dhash   %s%n", PerceptualHashes.hex(s.dhash()));
        out.printf("  md5     %s%n", s.md5());
        out.printf("  sha256  %s%n", s.sha256());
        if (dihedral) {
            for (Dihedral d : Dihedral.values()) out.printf("  pdq.%-12s %s%n", d.label(), s.pdq().variant(d).hex());
        }
    }
}
