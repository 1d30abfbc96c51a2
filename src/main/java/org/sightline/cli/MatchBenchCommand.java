package org.sightline.cli;

import org.sightline.matching.LinearScan;
import org.sightline.matching.PdqDihedral;
import org.sightline.matching.PdqIndex;
import org.sightline.hashing.PdqHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bench match}: random PDQ hashes with planted neighbours (distance 0..31) and decoys (32..40) around
 * each query's variants; measures the index against a linear scan of the same data and fails unless every
 * neighbour is found and every decoy excluded.
 */
@Command(name = "match", description = "Benchmark exact 8-variant radius-31 PDQ search (index vs linear scan).")
public final class MatchBenchCommand implements Callable<Integer> {
    static final int RADIUS = 31;

    @Option(names = "--sizes", split = ",", description = "Numbers of hashes (default: 1000000,10000000)")
    List<Integer> sizes = List.of(1_000_000, 10_000_000);

    @Option(names = "--queries", description = "Queries per size for the index (default: 500)")
    int queries = 500;

    @Option(names = "--scan-queries", description = "Queries per size for the linear scan (default: 20)")
    int scanQueries = 20;

    @Option(names = "--threads", description = "Threads for the all-core runs (default: available processors)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--seed", description = "Random seed (default: 42)")
    long seed = 42;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One size's figures. */
    record Row(int size, double buildSeconds, double bytesPerHash, double p50, double p99, double allP50,
               double allP99, double allQps, double scanP50, double scanP99, double scanAllP50, int planted,
               int found, int decoys, int decoysReported, int added, double addMicros, double p50AfterAdds) {
        boolean exact() {
            return found == planted && decoysReported == 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            out.printf(Locale.ROOT, "running %,d hashes...%n", n);
            out.flush();
            Row r = run(n);
            rows.add(r);
            if (!r.exact()) {
                out.printf(Locale.ROOT, "FAILED at %,d: %d of %d neighbours found, %d of %d decoys reported%n",
                        n, r.found(), r.planted(), r.decoysReported(), r.decoys());
            }
        }
        out.println();
        out.println(table(rows, threads));
        out.flush();
        return rows.stream().allMatch(Row::exact) ? 0 : 1;
    }

    static String table(List<Row> rows, int threads) {
        StringBuilder sb = new StringBuilder();
        sb.append("| hashes | build s | bytes/hash | index p50 ms (1 core) | p99 | index p50 ms (").append(threads)
                .append(" threads) | p99 | queries/s | scan p50 ms (1 core) | p99 | scan p50 ms (").append(threads)
                .append(" threads) | scan/index | recall | decoys | live adds | µs/add | p50 ms after adds |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT,
                    "| %,d | %.2f | %.1f | %.3f | %.3f | %.3f | %.3f | %.0f | %.1f | %.1f | %.1f | %.0f× | %d/%d | %d/%d excluded | %,d | %.1f | %.3f |%n",
                    r.size(), r.buildSeconds(), r.bytesPerHash(), r.p50(), r.p99(), r.allP50(), r.allP99(), r.allQps(),
                    r.scanP50(), r.scanP99(), r.scanAllP50(), r.scanP50() / r.p50(), r.found(), r.planted(),
                    r.decoys() - r.decoysReported(), r.decoys(), r.added(), r.addMicros(), r.p50AfterAdds()));
        }
        return sb.toString();
    }

    Row run(int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed ^ n);
        long[] hashes = new long[4 * n];
        for (int i = 0; i < hashes.length; i++) hashes[i] = rnd.nextLong();
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = i;
        int[] banks = new int[n];

        // Queries and their (approximate) dihedral variants, packed 4 words per variant.
        int q = Math.max(queries, scanQueries);
        long[][] packed = new long[q][];
        List<List<PdqHash>> variantLists = new ArrayList<>();
        for (int k = 0; k < q; k++) {
            PdqHash base = new PdqHash(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
            List<PdqHash> vs = PdqDihedral.variants(base);
            variantLists.add(vs);
            packed[k] = new long[32];
            for (int v = 0; v < 8; v++) {
                PdqHash h = vs.get(v);
                packed[k][4 * v] = h.w0();
                packed[k][4 * v + 1] = h.w1();
                packed[k][4 * v + 2] = h.w2();
                packed[k][4 * v + 3] = h.w3();
            }
        }

        // Plant, per query, one neighbour at each distance 0..31 and one decoy at each 32..40, each near a
        // variant chosen in turn, at distinct random positions.
        int perQuery = 32 + 9;
        if ((long) q * perQuery > n / 2) throw new IllegalArgumentException("too many queries for " + n + " hashes");
        Map<Integer, Integer> plantedAt = new HashMap<>(); // position -> query
        List<Map<Integer, Integer>> expected = new ArrayList<>(); // per query: position -> best distance
        List<List<Integer>> decoyPositions = new ArrayList<>();
        for (int k = 0; k < q; k++) {
            Map<Integer, Integer> exp = new HashMap<>();
            List<Integer> dec = new ArrayList<>();
            for (int d = 0; d <= 40; d++) {
                int pos;
                do {
                    pos = rnd.nextInt(n);
                } while (plantedAt.containsKey(pos));
                long[] h;
                int best;
                do {
                    h = flipBits(packed[k], (d % 8) * 4, d, rnd);
                    best = minDistance(h, packed[k]);
                } while (d > RADIUS && best <= RADIUS); // a decoy must be beyond the radius of every variant
                System.arraycopy(h, 0, hashes, 4 * pos, 4);
                plantedAt.put(pos, k);
                if (d <= RADIUS) exp.put(pos, best);
                else dec.add(pos);
            }
            expected.add(exp);
            decoyPositions.add(dec);
        }

        System.gc();
        long t0 = System.nanoTime();
        PdqIndex index = new PdqIndex();
        index.loadPacked(hashes, ids, banks, n);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        double bytesPerHash = (double) index.bytes() / n;

        // Warm up the JIT on both paths (one full pass of the queries, so C2 has compiled the search loop and
        // the first measured queries do not pay for it).
        LinearScan scan = new LinearScan(hashes, n);
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < queries; k++) index.search(variantLists.get(k), RADIUS);
        }
        for (int k = 0; k < 3; k++) scan.search(packed[k], 8, RADIUS);

        // Single core: latency per query, and recall check against the planted set and the scan.
        int planted = 0, found = 0, decoys = 0, decoysReported = 0;
        double[] lat = new double[queries];
        for (int k = 0; k < queries; k++) {
            long s = System.nanoTime();
            List<PdqIndex.Hit> hits = index.search(variantLists.get(k), RADIUS);
            lat[k] = (System.nanoTime() - s) / 1e6;
            Map<Integer, Integer> got = new HashMap<>();
            for (PdqIndex.Hit h : hits) got.put((int) h.entryId(), h.distance());
            for (Map.Entry<Integer, Integer> e : expected.get(k).entrySet()) {
                planted++;
                if (e.getValue().equals(got.get(e.getKey()))) found++;
            }
            for (int pos : decoyPositions.get(k)) {
                decoys++;
                if (got.containsKey(pos)) decoysReported++;
            }
        }

        double[] scanLat = new double[scanQueries];
        for (int k = 0; k < scanQueries; k++) {
            long s = System.nanoTime();
            List<int[]> res = scan.search(packed[k], 8, RADIUS);
            scanLat[k] = (System.nanoTime() - s) / 1e6;
            // Ground truth: the scan must agree with the index on these queries.
            Map<Integer, Integer> truth = new HashMap<>();
            for (int[] r : res) truth.put(r[0], r[1]);
            Map<Integer, Integer> got = new HashMap<>();
            for (PdqIndex.Hit h : index.search(variantLists.get(k), RADIUS)) got.put((int) h.entryId(), h.distance());
            if (!truth.equals(got)) found = -1;
        }

        // All cores: every thread runs the query list; latency under load and throughput.
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<double[]>> fs = new ArrayList<>();
            long w0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                fs.add(pool.submit(() -> {
                    double[] l = new double[queries];
                    for (int k = 0; k < queries; k++) {
                        long s = System.nanoTime();
                        index.search(variantLists.get((k + offset * 7) % queries), RADIUS);
                        l[k] = (System.nanoTime() - s) / 1e6;
                    }
                    return l;
                }));
            }
            double[] all = new double[threads * queries];
            for (int t = 0; t < threads; t++) System.arraycopy(fs.get(t).get(), 0, all, t * queries, queries);
            double wall = (System.nanoTime() - w0) / 1e9;
            double qps = all.length / wall;

            double[] scanAll = new double[Math.min(scanQueries, 10)];
            for (int k = 0; k < scanAll.length; k++) {
                long s = System.nanoTime();
                scan.searchParallel(packed[k], 8, RADIUS, pool, threads);
                scanAll[k] = (System.nanoTime() - s) / 1e6;
            }
            // Live adds (1 % more, in batches of 100, as an upload would come): no rebuild, then the same queries
            // again over the base segment, the newer small segments and the tail.
            int added = Math.max(1000, n / 100);
            long a0 = System.nanoTime();
            List<PdqIndex.Item> batch = new ArrayList<>(100);
            for (int i = 0; i < added; i++) {
                batch.add(new PdqIndex.Item(n + i, 0, new PdqHash(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong())));
                if (batch.size() == 100) {
                    index.addAll(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) index.addAll(batch);
            double addMicros = (System.nanoTime() - a0) / 1e3 / added;
            double[] after = new double[queries];
            for (int k = 0; k < queries; k++) {
                long s = System.nanoTime();
                List<PdqIndex.Hit> hits = index.search(variantLists.get(k), RADIUS);
                after[k] = (System.nanoTime() - s) / 1e6;
                for (Map.Entry<Integer, Integer> e : expected.get(k).entrySet()) {
                    boolean ok = hits.stream().anyMatch(h -> h.entryId() == e.getKey() && h.distance() == e.getValue());
                    if (!ok) found = -1;
                }
            }
            return new Row(n, buildSeconds, bytesPerHash, pct(lat, 50), pct(lat, 99), pct(all, 50), pct(all, 99), qps,
                    pct(scanLat, 50), pct(scanLat, 99), pct(scanAll, 50), planted, Math.max(found, 0), decoys,
                    found < 0 ? decoys : decoysReported, added, addMicros, pct(after, 50));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A copy of variant {@code at} (4 words in {@code q}) with exactly {@code bits} distinct random bits flipped. */
    static long[] flipBits(long[] q, int at, int bits, SplittableRandom rnd) {
        long[] h = Arrays.copyOfRange(q, at, at + 4);
        boolean[] used = new boolean[256];
        for (int f = 0; f < bits; ) {
            int b = rnd.nextInt(256);
            if (used[b]) continue;
            used[b] = true;
            h[b >> 6] ^= 1L << (b & 63);
            f++;
        }
        return h;
    }

    static int minDistance(long[] h, long[] q) {
        int best = Integer.MAX_VALUE;
        for (int v = 0; v < q.length / 4; v++) {
            int d = 0;
            for (int w = 0; w < 4; w++) d += Long.bitCount(h[w] ^ q[4 * v + w]);
            best = Math.min(best, d);
        }
        return best;
    }

    static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }
}
