package org.sightline.matching;

/**
 * An immutable multi-index-hashing table over a run of PDQ hashes.
 *
 * <p>The 256 bits are cut into 16 chunks of 16 bits, grouped in 8 disjoint pairs (chunk c with chunk c^1).
 * If two hashes are within distance 31, some pair differs in at most 3 bits (8 pairs × 4 > 31), so one chunk
 * of that pair differs in at most 1 bit and its partner in at most 3 minus that. For each chunk there is one
 * table, bucketed by the chunk's top {@code keyBits} bits (CSR: offsets + one int array), whose slots hold the
 * entry's local id (upper 24 bits) and the top 8 bits of its partner chunk (lower 8 bits); a parallel byte
 * array holds the partner's low 8 bits. A query probes the exact bucket and its one-bit neighbours and skips
 * slots whose partner chunk is already too far (≤ 3 bits, ≤ 2 for a neighbour bucket); only about 1 in 200
 * survives to be checked against the full hash, which is the random memory access that costs. This stays
 * exact for any radius ≤ 31.
 *
 * <p>Measured at 10 M hashes: with only the 8-bit partner in the slot, 16 % of the slots survived the filter
 * and a query took 6 ms; the extra byte per slot (124 instead of 108 bytes per hash) brings it down.
 */
final class PdqSegment {
    static final int CHUNKS = 16;
    static final int MAX_RADIUS = 31;
    /** Local ids live in 24 bits of a slot. */
    static final int MAX_SIZE = 1 << 24;

    final int size;
    final long[] hashes;      // 4 words per entry, word 0 first (bits 0..63)
    final long[] entryIds;
    final int[] bankIds;
    private final int keyBits;
    private final int[][] offsets;
    private final int[][] slots;
    private final byte[][] partnerLow;

    private PdqSegment(int size, long[] hashes, long[] entryIds, int[] bankIds, int keyBits,
                       int[][] offsets, int[][] slots, byte[][] partnerLow) {
        this.size = size;
        this.hashes = hashes;
        this.entryIds = entryIds;
        this.bankIds = bankIds;
        this.keyBits = keyBits;
        this.offsets = offsets;
        this.slots = slots;
        this.partnerLow = partnerLow;
    }

    static int chunk(long[] h, int base, int c) {
        return (int) (h[base + (c >> 2)] >>> ((c & 3) << 4)) & 0xFFFF;
    }

    /** Enough key bits for a few entries per bucket, so small segments don't carry 65 536-entry offset tables. */
    static int keyBitsFor(int n) {
        int log = 32 - Integer.numberOfLeadingZeros(Math.max(1, n));
        return Math.max(4, Math.min(16, log - 2));
    }

    /** Builds a segment over the first {@code n} entries of the given arrays (which it keeps; callers pass copies). */
    static PdqSegment build(long[] hashes, long[] entryIds, int[] bankIds, int n) {
        if (n > MAX_SIZE) throw new IllegalArgumentException("segment too large: " + n);
        int keyBits = keyBitsFor(n);
        int shift = 16 - keyBits;
        int buckets = 1 << keyBits;
        int[][] offsets = new int[CHUNKS][];
        int[][] slots = new int[CHUNKS][];
        byte[][] lows = new byte[CHUNKS][];
        for (int c = 0; c < CHUNKS; c++) {
            // Counting sort by bucket: two passes, no boxing.
            int[] off = new int[buckets + 1];
            for (int i = 0; i < n; i++) off[(chunk(hashes, i << 2, c) >>> shift) + 1]++;
            for (int b = 0; b < buckets; b++) off[b + 1] += off[b];
            int[] fill = java.util.Arrays.copyOf(off, buckets);
            int[] s = new int[n];
            byte[] lo = new byte[n];
            int partner = c ^ 1;
            for (int i = 0; i < n; i++) {
                int base = i << 2;
                int key = chunk(hashes, base, c) >>> shift;
                int p = chunk(hashes, base, partner);
                int at = fill[key]++;
                s[at] = (i << 8) | (p >>> 8);
                lo[at] = (byte) p;
            }
            offsets[c] = off;
            slots[c] = s;
            lows[c] = lo;
        }
        return new PdqSegment(n, hashes, entryIds, bankIds, keyBits, offsets, slots, lows);
    }

    /** Bytes held by this segment's arrays (what the benchmark reports per hash). */
    long bytes() {
        long b = 8L * hashes.length + 8L * entryIds.length + 4L * bankIds.length;
        for (int c = 0; c < CHUNKS; c++) b += 4L * offsets[c].length + 5L * slots[c].length;
        return b;
    }

    /**
     * Reports every entry within {@code radius} (≤ 31) of any of the {@code variantCount} query hashes packed
     * in {@code q} (4 words each). An entry may be reported more than once (once per chunk/variant that finds it).
     */
    void search(long[] q, int variantCount, int radius, HitSink sink) {
        if (radius > MAX_RADIUS) throw new IllegalArgumentException("radius above " + MAX_RADIUS);
        int shift = 16 - keyBits;
        long[] h = hashes;
        for (int v = 0; v < variantCount; v++) {
            int qb = v << 2;
            long q0 = q[qb], q1 = q[qb + 1], q2 = q[qb + 2], q3 = q[qb + 3];
            for (int c = 0; c < CHUNKS; c++) {
                int[] off = offsets[c];
                int[] sl = slots[c];
                byte[] lo = partnerLow[c];
                int key = chunk(q, qb, c) >>> shift;
                int qp = chunk(q, qb, c ^ 1);
                for (int flip = -1; flip < keyBits; flip++) {
                    // Exact bucket: this chunk may differ in 0 bits, so the partner in up to 3.
                    // A one-bit neighbour: at least 1 bit here, so the partner in at most 2.
                    int k = flip < 0 ? key : key ^ (1 << flip);
                    int limit = flip < 0 ? 3 : 2;
                    for (int i = off[k], end = off[k + 1]; i < end; i++) {
                        int s = sl[i];
                        int partnerBits = ((s & 0xFF) << 8) | (lo[i] & 0xFF);
                        if (Integer.bitCount(partnerBits ^ qp) > limit) continue;
                        int local = s >>> 8;
                        int b = local << 2;
                        int d = Long.bitCount(h[b] ^ q0) + Long.bitCount(h[b + 1] ^ q1)
                                + Long.bitCount(h[b + 2] ^ q2) + Long.bitCount(h[b + 3] ^ q3);
                        if (d <= radius) sink.hit(entryIds[local], bankIds[local], d, v);
                    }
                }
            }
        }
    }

    /** Receives candidate hits; implementations keep the best distance per entry. */
    interface HitSink {
        void hit(long entryId, int bankId, int distance, int variant);
    }
}
