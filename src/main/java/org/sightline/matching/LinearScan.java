package org.sightline.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The baseline: a packed {@code long[]} scan (4 words per hash) that tests all query variants in one pass.
 * Used by the benchmark for the speed ratio and as ground truth for recall.
 */
public final class LinearScan {
    private final long[] hashes;
    private final int size;

    public LinearScan(long[] hashes, int size) {
        this.hashes = hashes;
        this.size = size;
    }

    /** Positions within {@code radius} of any variant, each once with its smallest distance: {@code [pos, d]}. */
    public List<int[]> search(long[] q, int variants, int radius) {
        return scan(q, variants, radius, 0, size);
    }

    /** The same, split into one slice per thread of {@code pool}. */
    public List<int[]> searchParallel(long[] q, int variants, int radius, ExecutorService pool, int threads)
            throws Exception {
        List<Future<List<int[]>>> parts = new ArrayList<>();
        int step = (size + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
            int from = t * step, to = Math.min(size, from + step);
            parts.add(pool.submit(() -> scan(q, variants, radius, from, to)));
        }
        List<int[]> out = new ArrayList<>();
        for (Future<List<int[]>> f : parts) out.addAll(f.get());
        return out;
    }

    private List<int[]> scan(long[] q, int variants, int radius, int from, int to) {
        long[] h = hashes;
        List<int[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int b = i << 2;
            long h0 = h[b], h1 = h[b + 1], h2 = h[b + 2], h3 = h[b + 3];
            int best = Integer.MAX_VALUE;
            for (int v = 0; v < variants; v++) {
                int qb = v << 2;
                int d = Long.bitCount(h0 ^ q[qb]) + Long.bitCount(h1 ^ q[qb + 1])
                        + Long.bitCount(h2 ^ q[qb + 2]) + Long.bitCount(h3 ^ q[qb + 3]);
                if (d < best) best = d;
            }
            if (best <= radius) out.add(new int[]{i, best});
        }
        return out;
    }
}
