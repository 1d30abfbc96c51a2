package org.sightline.cli;

import org.sightline.hashing.Dihedral;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.NativeCodecs;
import org.sightline.config.SharedSettings;
import org.sightline.hashing.MediaException;
import org.sightline.hashing.MediaHasher;
import org.sightline.hashing.PerceptualHashes;
import org.sightline.hashing.Signals;
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
@Command(name = "hash", description = "Print PDQ (with quality), pHash, dHash, MD5 and SHA-256 of image files.")
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
    private record Outcome(Path file, Signals signals, String error) {
    }

    @Override
    public Integer call() throws InterruptedException {
        Config config = configOption.load(env);
        MediaHasher hasher = new MediaHasher(new ImageDecoder(config.maxPixels(), config.decodeConcurrency(),
                SharedSettings.DECODE_MAX_PIXELS_IN_FLIGHT.from(config),
                SharedSettings.DECODE_NATIVE.from(config) ? NativeCodecs.detect() : NativeCodecs.none()));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        ExecutorService pool = Executors.newFixedThreadPool(config.decodeConcurrency());
        int failed = 0;
        try {
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (Path file : files) outcomes.add(pool.submit(() -> hashOne(hasher, file, config.maxMediaBytes())));
            for (Future<Outcome> future : outcomes) {
                Outcome o = future.get();
                if (o.error() != null) {
                    err.println(o.file() + ": " + o.error());
                    failed++;
                } else if (json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("file", o.file().toString());
                    doc.putAll(o.signals().toJson(dihedral));
                    out.println(mapper.writeValueAsString(doc));
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

    private static Outcome hashOne(MediaHasher hasher, Path file, long maxBytes) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                return new Outcome(file, null, "too_large: " + size + " bytes is over the limit of " + maxBytes);
            }
            return new Outcome(file, hasher.hash(Files.readAllBytes(file)), null);
        } catch (MediaException e) {
            return new Outcome(file, null, e.reason().label() + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            return new Outcome(file, null, "no such file");
        } catch (IOException e) {
            return new Outcome(file, null, "cannot read: " + ImageDecoder.oneLine(e));
        }
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
