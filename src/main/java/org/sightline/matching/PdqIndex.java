package org.sightline.matching;

import org.sightline.hashing.PdqHash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact radius search over PDQ hashes, kept current on every add and retraction without a rebuild.
 *
 * <p>Layout, LSM style: a list of immutable {@link PdqSegment}s plus an append-only tail that is scanned
 * linearly. Adds go to the tail; when it reaches {@link #TAIL_LIMIT} entries it is frozen into a segment, and
 * neighbouring segments of similar size are merged (a binary counter, so there are O(log n) segments and each
 * entry is copied O(log n) times). Retractions go into a set checked on every hit and are dropped when the
 * segments holding them are merged. Readers take one volatile snapshot and never wait; writers serialise on
 * this object.
 */
public final class PdqIndex {
    static final int TAIL_LIMIT = 32_768;

    /** The index's view at one moment: never mutated after publication (the tail arrays only grow past {@code size}). */
    private record State(PdqSegment[] segments, Tail tail) {
    }

    /** Append-only arrays with a published size; a reader never looks past the size it saw. */
    private record Tail(long[] hashes, long[] entryIds, int[] bankIds, int size) {
        static Tail empty() {
            return new Tail(new long[4 * 1024], new long[1024], new int[1024], 0);
        }
    }

    private volatile State state = new State(new PdqSegment[0], Tail.empty());
    private final Set<Long> retracted = ConcurrentHashMap.newKeySet();

    /** One entry to load or add. */
    public record Item(long entryId, int bankId, PdqHash hash) {
    }

    /** Replaces the whole content (start-up load): one segment per 16 M entries, no tail. */
    public void load(List<Item> items) {
        int n = items.size();
        long[] h = new long[4 * n];
        long[] ids = new long[n];
        int[] banks = new int[n];
        for (int i = 0; i < n; i++) {
            Item it = items.get(i);
            put(h, i, it.hash());
            ids[i] = it.entryId();
            banks[i] = it.bankId();
        }
        loadPacked(h, ids, banks, n);
    }

    /**
     * Replaces the whole content with the first {@code n} packed entries (4 words per hash), without per-item
     * objects. The arrays are copied: the caller may reuse them.
     */
    public synchronized void loadPacked(long[] hashes, long[] entryIds, int[] bankIds, int n) {
        List<PdqSegment> segs = new ArrayList<>();
        for (int from = 0; from < n; from += PdqSegment.MAX_SIZE) {
            int m = Math.min(PdqSegment.MAX_SIZE, n - from);
            segs.add(PdqSegment.build(Arrays.copyOfRange(hashes, 4 * from, 4 * (from + m)),
                    Arrays.copyOfRange(entryIds, from, from + m), Arrays.copyOfRange(bankIds, from, from + m), m));
        }
        retracted.clear();
        state = new State(segs.toArray(new PdqSegment[0]), Tail.empty());
    }

    public void add(long entryId, int bankId, PdqHash hash) {
        addAll(List.of(new Item(entryId, bankId, hash)));
    }

    /** Adds entries; they are visible to queries that start after this returns. */
    public synchronized void addAll(List<Item> items) {
        State s = state;
        PdqSegment[] segs = s.segments();
        Tail t = s.tail();
        long[] h = t.hashes();
        long[] ids = t.entryIds();
        int[] banks = t.bankIds();
        int size = t.size();
        for (Item it : items) {
            if (size == ids.length) {
                int cap = ids.length * 2;
                h = Arrays.copyOf(h, 4 * cap);
                ids = Arrays.copyOf(ids, cap);
                banks = Arrays.copyOf(banks, cap);
            }
            put(h, size, it.hash());
            ids[size] = it.entryId();
            banks[size] = it.bankId();
            size++;
            if (size >= TAIL_LIMIT) {
                segs = freeze(segs, h, ids, banks, size);
                h = new long[4 * 1024];
                ids = new long[1024];
                banks = new int[1024];
                size = 0;
            }
        }
        // The volatile write publishes the array contents written above.
        state = new State(segs, new Tail(h, ids, banks, size));
    }

    /** Marks an entry retracted: it stops matching at once. */
    public void retract(long entryId) {
        retracted.add(entryId);
    }

    private PdqSegment[] freeze(PdqSegment[] segs, long[] h, long[] ids, int[] banks, int size) {
        List<PdqSegment> list = new ArrayList<>(Arrays.asList(segs));
        list.add(PdqSegment.build(Arrays.copyOf(h, 4 * size), Arrays.copyOf(ids, size),
                Arrays.copyOf(banks, size), size));
        // Merge while the previous segment is not bigger than the last: sizes stay roughly geometric.
        while (list.size() >= 2) {
            PdqSegment a = list.get(list.size() - 2);
            PdqSegment b = list.get(list.size() - 1);
            if (a.size > b.size || (long) a.size + b.size > PdqSegment.MAX_SIZE) break;
            list.remove(list.size() - 1);
            list.set(list.size() - 1, merge(a, b));
        }
        return list.toArray(new PdqSegment[0]);
    }

    private PdqSegment merge(PdqSegment a, PdqSegment b) {
        int n = 0;
        long[] h = new long[4 * (a.size + b.size)];
        long[] ids = new long[a.size + b.size];
        int[] banks = new int[a.size + b.size];
        for (PdqSegment s : new PdqSegment[]{a, b}) {
            for (int i = 0; i < s.size; i++) {
                // Compaction drops retracted entries. Their ids stay in the set: a reader may still hold a snapshot
                // with the old segment and must keep filtering them out.
                if (retracted.contains(s.entryIds[i])) continue;
                System.arraycopy(s.hashes, 4 * i, h, 4 * n, 4);
                ids[n] = s.entryIds[i];
                banks[n] = s.bankIds[i];
                n++;
            }
        }
        return PdqSegment.build(Arrays.copyOf(h, 4 * n), Arrays.copyOf(ids, n), Arrays.copyOf(banks, n), n);
    }

    private static void put(long[] h, int i, PdqHash hash) {
        h[4 * i] = hash.w0();
        h[4 * i + 1] = hash.w1();
        h[4 * i + 2] = hash.w2();
        h[4 * i + 3] = hash.w3();
    }

    /** A match of one entry: the best (smallest) distance over the query variants, and which variant gave it. */
    public record Hit(long entryId, int bankId, int distance, int variant) {
    }

    /**
     * Every active entry within {@code radius} (0..31) of any of the given variants (at most 8; index 0 is the
     * original). One hit per entry, with its smallest distance.
     */
    public List<Hit> search(List<PdqHash> variants, int radius) {
        if (variants.isEmpty() || variants.size() > 8) {
            throw new IllegalArgumentException("between 1 and 8 query variants, got " + variants.size());
        }
        if (radius < 0 || radius > PdqSegment.MAX_RADIUS) {
            throw new IllegalArgumentException("PDQ radius must be 0.." + PdqSegment.MAX_RADIUS);
        }
        long[] q = new long[4 * variants.size()];
        for (int v = 0; v < variants.size(); v++) put(q, v, variants.get(v));
        Collector sink = new Collector();
        State s = state;
        for (PdqSegment seg : s.segments()) seg.search(q, variants.size(), radius, sink);
        scanTail(s.tail(), q, variants.size(), radius, sink);
        return sink.hits(retracted);
    }

    private static void scanTail(Tail t, long[] q, int variants, int radius, Collector sink) {
        long[] h = t.hashes();
        for (int i = 0, n = t.size(); i < n; i++) {
            int b = i << 2;
            long h0 = h[b], h1 = h[b + 1], h2 = h[b + 2], h3 = h[b + 3];
            for (int v = 0; v < variants; v++) {
                int qb = v << 2;
                int d = Long.bitCount(h0 ^ q[qb]) + Long.bitCount(h1 ^ q[qb + 1])
                        + Long.bitCount(h2 ^ q[qb + 2]) + Long.bitCount(h3 ^ q[qb + 3]);
                if (d <= radius) sink.hit(t.entryIds()[i], t.bankIds()[i], d, v);
            }
        }
    }

    /** Entries currently held (active and not yet compacted retracted ones). */
    public int size() {
        State s = state;
        int n = s.tail().size();
        for (PdqSegment seg : s.segments()) n += seg.size;
        return n;
    }

    /** Bytes held by the index arrays (tail counted at its capacity). */
    public long bytes() {
        State s = state;
        long b = 8L * s.tail().hashes().length + 12L * s.tail().entryIds().length;
        for (PdqSegment seg : s.segments()) b += seg.bytes();
        return b;
    }

    int segmentCount() {
        return state.segments().length;
    }

    /** Keeps the best hit per entry; matches are few, so a small map is enough. */
    private static final class Collector implements PdqSegment.HitSink {
        private final java.util.HashMap<Long, Hit> best = new java.util.HashMap<>();

        @Override
        public void hit(long entryId, int bankId, int distance, int variant) {
            Hit old = best.get(entryId);
            if (old == null || distance < old.distance() || (distance == old.distance() && variant < old.variant())) {
                best.put(entryId, new Hit(entryId, bankId, distance, variant));
            }
        }

        List<Hit> hits(Set<Long> retracted) {
            List<Hit> out = new ArrayList<>(best.size());
            for (Hit h : best.values()) {
                if (!retracted.contains(h.entryId())) out.add(h);
            }
            out.sort((x, y) -> x.distance() != y.distance() ? Integer.compare(x.distance(), y.distance())
                    : Long.compare(x.entryId(), y.entryId()));
            return out;
        }
    }
}
