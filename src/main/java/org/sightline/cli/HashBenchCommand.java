package org.sightline.cli;

import org.sightline.hashing.DecodedImage;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.ImageFormat;
import org.sightline.hashing.MediaException;
import org.sightline.hashing.MediaHasher;
import org.sightline.hashing.NativeCodecs;
import org.sightline.hashing.ReferencePdq;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bench hash [DIR]}: decode and hash a set of photos, and the same with the reference-style PDQ
 * ({@link ReferencePdq}: per-pixel getRGB, full-size buffers, column-walking blur) in the same run.
 * Reports the median over several runs after a warm-up: ms per megapixel for decoding and for hashing
 * separately, images/s, and the ratios against the reference on one thread and with every core busy.
 */
@Command(name = "hash", description = "Benchmark decoding and hashing against the reference PDQ.")
public final class HashBenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR",
            description = "Directory of photos (default: the bundled bridge photo re-encoded at 1.6, 4, 8 and 16 MP)")
    Path dir;
    @Option(names = "--runs", defaultValue = "5")
    int runs;
    @Option(names = "--warmup", defaultValue = "2")
    int warmup;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private record Photo(String name, byte[] bytes, double megapixels) {
    }

    /** Nanoseconds spent in each phase over one pass of the set. */
    private record Pass(long decode, long hash, long referenceDecode, long referenceHash) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Photo> photos = dir == null ? defaultSet() : load(dir);
        if (photos.isEmpty()) {
            spec.commandLine().getErr().println("error: no decodable images in " + dir);
            return 2;
        }
        double mp = photos.stream().mapToDouble(Photo::megapixels).sum();
        out.printf(Locale.ROOT, "%d images, %.1f MP in all (%s); %d warm-up + %d measured runs, median reported%n",
                photos.size(), mp, dir == null ? "bundled bridge set" : dir, warmup, runs);

        int threads = Runtime.getRuntime().availableProcessors();
        // Meta's Java reference reads images with ImageIO: the baseline always decodes there
        ImageDecoder imageIo = new ImageDecoder(Long.MAX_VALUE / 4, threads, Long.MAX_VALUE / 4, NativeCodecs.none());
        NativeCodecs codecs = NativeCodecs.detect();
        List<ImageDecoder> paths = codecs.jpeg()
                ? List.of(new ImageDecoder(Long.MAX_VALUE / 4, threads, Long.MAX_VALUE / 4, codecs), imageIo)
                : List.of(imageIo);
        if (!codecs.jpeg()) out.println("libjpeg-turbo (libturbojpeg0) is not installed: the native path is not measured");
        ReferencePdq reference = new ReferencePdq();
        for (int i = 0; i < warmup; i++) for (ImageDecoder d : paths) pass(photos, d, imageIo, reference);
        double refDecodeMs = 0, refMs = 0;
        double refParallel = parallelSeconds(photos, threads, b -> imageIo.decode(b, d -> reference.hash(d.image())));

        out.println();
        out.println("| decoder path | decode ms/MP | hash ms/MP | end to end ms/MP | images/s, 1 thread | "
                + "× reference, 1 thread | × reference, " + threads + " threads |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (ImageDecoder decoder : paths) {
            MediaHasher hasher = new MediaHasher(decoder);
            List<Pass> passes = new ArrayList<>();
            for (int i = 0; i < runs; i++) passes.add(pass(photos, decoder, imageIo, reference));
            double decodeMs = median(passes.stream().mapToLong(Pass::decode)) / 1e6;
            double hashMs = median(passes.stream().mapToLong(Pass::hash)) / 1e6;
            refDecodeMs = median(passes.stream().mapToLong(Pass::referenceDecode)) / 1e6;
            refMs = median(passes.stream().mapToLong(Pass::referenceHash)) / 1e6;
            double oursParallel = parallelSeconds(photos, threads, hasher::hash);
            out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.1f | %.2f | %.2f |%n", decoder.codecs().describe(),
                    decodeMs / mp, hashMs / mp, (decodeMs + hashMs) / mp, photos.size() / ((decodeMs + hashMs) / 1000),
                    (refDecodeMs + refMs) / (decodeMs + hashMs), refParallel / oursParallel);
        }
        out.printf(Locale.ROOT, "| reference: ImageIO + reference-style PDQ (getRGB, full buffers) | %.2f | %.2f | %.2f "
                        + "| %.1f | 1.00 | 1.00 |%n", refDecodeMs / mp, refMs / mp, (refDecodeMs + refMs) / mp,
                photos.size() / ((refDecodeMs + refMs) / 1000));
        out.println();
        out.println("× reference: the reference's time over ours on the same photos in this run (higher is faster);"
                + " with all threads, each thread works through the whole set.");
        reportAllocation(out, photos, paths.get(0), new MediaHasher(paths.get(0)));
        return 0;
    }

    /** One pass: ours (decode on {@code decoder}, then hash) and the reference (ImageIO decode, reference hash). */
    private Pass pass(List<Photo> photos, ImageDecoder decoder, ImageDecoder imageIo, ReferencePdq reference)
            throws MediaException {
        MediaHasher hasher = new MediaHasher(decoder);
        long decode = 0, hash = 0, refDecode = 0, ref = 0;
        for (Photo p : photos) {
            long t0 = System.nanoTime();
            DecodedImage image = decoder.decode(p.bytes());
            long t1 = System.nanoTime();
            sink(hasher.signals(image, p.bytes()).phash());
            long t2 = System.nanoTime();
            DecodedImage forReference = imageIo.decode(p.bytes());
            long t3 = System.nanoTime();
            sink(reference.hash(forReference.image()).hash().w0());
            long t4 = System.nanoTime();
            decode += t1 - t0;
            hash += t2 - t1;
            refDecode += t3 - t2;
            ref += t4 - t3;
        }
        return new Pass(decode, hash, refDecode, ref);
    }

    private interface Work {
        Object run(byte[] bytes) throws MediaException;
    }

    /** Wall time for {@code threads} threads each working through the whole set (median of the runs). */
    private double parallelSeconds(List<Photo> photos, int threads, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long[] times = new long[Math.max(1, runs)];
            for (int r = -1; r < times.length; r++) {
                long t0 = System.nanoTime();
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        for (Photo p : photos) sink(work.run(p.bytes()).hashCode());
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get();
                if (r >= 0) times[r] = System.nanoTime() - t0;
            }
            return median(Arrays.stream(times)) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bytes allocated decoding and hashing the largest image, and the largest progressive JPEG if different. */
    private void reportAllocation(PrintWriter out, List<Photo> photos, ImageDecoder decoder, MediaHasher hasher)
            throws MediaException {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) return;
        Comparator<Photo> bySize = Comparator.comparingDouble(Photo::megapixels);
        Set<Photo> measured = new LinkedHashSet<>();
        photos.stream().max(bySize).ifPresent(measured::add);
        photos.stream().filter(p -> isProgressiveJpeg(p.bytes())).max(bySize).ifPresent(measured::add);
        ReferencePdq reference = new ReferencePdq();
        long id = Thread.currentThread().getId();
        for (Photo photo : measured) {
            long a0 = threads.getThreadAllocatedBytes(id);
            DecodedImage image = decoder.decode(photo.bytes());
            long a1 = threads.getThreadAllocatedBytes(id);
            sink(hasher.signals(image, photo.bytes()).dhash());
            long a2 = threads.getThreadAllocatedBytes(id);
            sink(reference.hash(image.image()).quality());
            long a3 = threads.getThreadAllocatedBytes(id);
            out.printf(Locale.ROOT, "memory, %s (%.1f MP%s): decoding allocates %.0f MB, Sightline's hashing %.1f MB "
                            + "(warm per-thread buffers), the reference's hashing %.0f MB%n",
                    photo.name(), photo.megapixels(), isProgressiveJpeg(photo.bytes()) ? ", progressive" : "",
                    (a1 - a0) / 1e6, (a2 - a1) / 1e6, (a3 - a2) / 1e6);
        }
    }

    /** A JPEG whose frame header is SOF2 (progressive, Huffman). */
    private static boolean isProgressiveJpeg(byte[] b) {
        if (ImageFormat.sniff(b).orElse(null) != ImageFormat.JPEG) return false;
        int i = 2;
        while (i + 3 < b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xC2) return true;
            if (marker == 0xC0 || marker == 0xC1 || marker == 0xDA) return false;
            i += 2 + (((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF));
        }
        return false;
    }

    private static void row(PrintWriter out, String name, double msPerMp, double imagesPerSecond) {
        out.printf(Locale.ROOT, "| %s | %.2f | %.1f |%n", name, msPerMp, imagesPerSecond);
    }

    private static double median(java.util.stream.LongStream values) {
        long[] v = values.sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private volatile long blackhole;

    private void sink(long value) {
        blackhole += value;
    }

    private static List<Photo> load(Path dir) throws IOException {
        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE / 4, 1);
        List<Photo> photos = new ArrayList<>();
        for (BenchPhotos.File f : BenchPhotos.files(dir)) {
            try {
                photos.add(new Photo(f.name(), f.bytes(), decoder.readHeader(f.bytes()).pixels() / 1e6));
            } catch (MediaException e) {
                // not an image: skipped
            }
        }
        return photos;
    }

    /** The bundled photo, resized and re-encoded: baseline and progressive JPEGs from 1.6 to 16 MP. */
    private static List<Photo> defaultSet() throws IOException {
        List<Photo> photos = new ArrayList<>();
        for (double target : new double[]{1.6, 4, 8, 16}) {
            BufferedImage resized = BenchPhotos.bridge(target);
            double mp = resized.getWidth() * (double) resized.getHeight() / 1e6;
            for (boolean progressive : new boolean[]{false, true}) {
                String name = String.format(Locale.ROOT, "bridge-%.1fMP-%s.jpg", mp, progressive ? "progressive" : "baseline");
                photos.add(new Photo(name, jpeg(resized, progressive), mp));
            }
        }
        return photos;
    }

    private static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
