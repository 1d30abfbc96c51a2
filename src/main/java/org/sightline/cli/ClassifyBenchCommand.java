package org.sightline.cli;

import org.sightline.classify.ClassScores;
import org.sightline.classify.LocalClassifier;
import org.sightline.classify.ModelInput;
import org.sightline.classify.NsfwModel;
import org.sightline.hashing.DecodedImage;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.MediaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bench classify [DIR]}: the local classifier's time per image on one thread (model only, and the
 * area-averaged downscale of each photo), reported as the median over several runs in thread CPU time (so a
 * machine shared with other work still gives a fair figure) and in wall time; then, per photo, its scores with
 * area-averaged input against nsfwjs' own full-size bilinear resize.
 */
@Command(name = "classify", description = "Benchmark the local classifier and compare area-averaged with bilinear input.")
public final class ClassifyBenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of benign photos (default: the bundled bridge photo at 0.5, 1.6, 4 and 12 MP)")
    Path dir;
    @Option(names = "--runs", defaultValue = "30")
    int runs;
    @Option(names = "--warmup", defaultValue = "20")
    int warmup;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private record Photo(String name, BufferedImage image) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Photo> photos = dir == null ? defaultSet() : load(dir);
        if (photos.isEmpty()) {
            spec.commandLine().getErr().println("error: no decodable images in " + dir);
            return 2;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long l0 = System.nanoTime();
        LocalClassifier classifier = LocalClassifier.load();
        out.printf(Locale.ROOT, "model %s@%s loaded and dequantised in %.0f ms%n", classifier.modelName(),
                classifier.modelVersion(), (System.nanoTime() - l0) / 1e6);

        float[] input = ModelInput.areaAveraged(photos.get(0).image(), classifier.inputSide());
        for (int i = 0; i < warmup; i++) sink(classifier.classifyInput(input));
        long[] cpu = new long[runs], wall = new long[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            sink(classifier.classifyInput(input));
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
            wall[i] = System.nanoTime() - w0;
        }
        out.printf(Locale.ROOT, "inference (224x224, one thread, %d runs): median %.1f ms CPU, %.1f ms wall; "
                + "best %.1f ms CPU (target: 50 ms)%n", runs, median(cpu) / 1e6, median(wall) / 1e6,
                Arrays.stream(cpu).min().orElse(0) / 1e6);

        pipelineCost(out, threads, classifier);

        out.println();
        out.println("| photo | size | area downscale ms | bilinear ms | area: drawing/hentai/neutral/porn/sexy "
                + "| full-size bilinear (nsfwjs): same | largest difference |");
        out.println("|---|---|---:|---:|---|---|---:|");
        double worst = 0;
        for (Photo p : photos) {
            long t0 = threads.getCurrentThreadCpuTime();
            float[] area = ModelInput.areaAveraged(p.image(), classifier.inputSide());
            long t1 = threads.getCurrentThreadCpuTime();
            float[] bilinear = ModelInput.bilinearAlignCorners(p.image(), classifier.inputSide());
            long t2 = threads.getCurrentThreadCpuTime();
            ClassScores a = classifier.classifyInput(area);
            ClassScores b = classifier.classifyInput(bilinear);
            double diff = 0;
            for (String label : NsfwModel.CLASSES) diff = Math.max(diff, Math.abs(a.score(label) - b.score(label)));
            worst = Math.max(worst, diff);
            out.printf(Locale.ROOT, "| %s | %dx%d | %.1f | %.1f | %s | %s | %.3f |%n", p.name(), p.image().getWidth(),
                    p.image().getHeight(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, scores(a), scores(b), diff);
        }
        out.printf(Locale.ROOT, "largest per-class difference between area-averaged and bilinear input: %.3f%n", worst);
        return 0;
    }

    /**
     * What the classifier adds to ingest's CPU work per image, done as ingest does it: decode + hash + previews of
     * the JPEG against the classifier's own part (the area average of the previews' shrunk RGB copy, which ingest
     * hands it, and inference), in thread CPU time. With every core busy, ingest throughput with the classifier is
     * the ratio of the two.
     */
    private void pipelineCost(PrintWriter out, ThreadMXBean threads, LocalClassifier classifier) throws Exception {
        BufferedImage photo = defaultSet().get(1).image();
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(photo, "jpeg", jpeg);
        byte[] bytes = jpeg.toByteArray();
        org.sightline.hashing.MediaHasher hasher = new org.sightline.hashing.MediaHasher(new ImageDecoder(Long.MAX_VALUE / 4, 1));
        org.sightline.ingest.preview.PreviewRenderer previews = new org.sightline.ingest.preview.PreviewRenderer();
        long[] ingest = new long[runs], classify = new long[runs];
        for (int i = -warmup; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            DecodedImage d = hasher.decoder().decode(bytes);
            hasher.signals(d, bytes);
            BufferedImage[] shrunk = new BufferedImage[1];
            previews.render(d, copy -> shrunk[0] = copy);
            long c1 = threads.getCurrentThreadCpuTime();
            sink(classifier.classify(shrunk[0]));
            long c2 = threads.getCurrentThreadCpuTime();
            if (i >= 0) {
                ingest[i] = c1 - c0;
                classify[i] = c2 - c1;
            }
        }
        double base = median(ingest) / 1e6, extra = median(classify) / 1e6;
        out.printf(Locale.ROOT, "ingest work per %.1f MP JPEG (decode, hash, previews): %.1f ms CPU; the classifier "
                        + "(area downscale of the previews' copy + inference): %.1f ms CPU; ingest throughput with the classifier on: %.0f %% of "
                        + "without (target: at least 70 %%)%n", photo.getWidth() * (double) photo.getHeight() / 1e6,
                base, extra, 100 * base / (base + extra));
    }

    private static String scores(ClassScores s) {
        StringBuilder b = new StringBuilder();
        for (String label : NsfwModel.CLASSES) {
            if (!b.isEmpty()) b.append(' ');
            b.append(String.format(Locale.ROOT, "%.3f", s.score(label)));
        }
        return b.toString();
    }

    private volatile double blackhole;

    private void sink(ClassScores scores) {
        blackhole += scores.score("neutral");
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static List<Photo> load(Path dir) throws IOException {
        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE / 4, 1);
        List<Photo> photos = new ArrayList<>();
        for (BenchPhotos.File f : BenchPhotos.files(dir)) {
            try {
                photos.add(new Photo(f.name(), decoder.decode(f.bytes()).image()));
            } catch (MediaException e) {
                // not an image: skipped
            }
        }
        return photos;
    }

    private static List<Photo> defaultSet() throws IOException {
        List<Photo> photos = new ArrayList<>();
        for (double target : new double[] {0.5, 1.6, 4, 12}) {
            BufferedImage resized = BenchPhotos.bridge(target);
            photos.add(new Photo(String.format(Locale.ROOT, "bridge-%.1fMP",
                    resized.getWidth() * (double) resized.getHeight() / 1e6), resized));
        }
        return photos;
    }
}
