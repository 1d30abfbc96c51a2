package org.sightline.matching;

import org.junit.jupiter.api.Test;
import org.sightline.hashing.PdqHash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class PdqIndexTest {

    static PdqHash random(SplittableRandom rnd) {
        return new PdqHash(rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
    }

    /** {@code h} with exactly {@code d} distinct bits flipped. */
    static PdqHash atDistance(PdqHash h, int d, SplittableRandom rnd) {
        long[] w = {h.w0(), h.w1(), h.w2(), h.w3()};
        boolean[] used = new boolean[256];
        for (int f = 0; f < d; ) {
            int b = rnd.nextInt(256);
            if (used[b]) continue;
            used[b] = true;
            w[b >> 6] ^= 1L << (b & 63);
            f++;
        }
        return new PdqHash(w[0], w[1], w[2], w[3]);
    }

    /** Flips {@code d} bits concentrated in as few 16-bit chunks as possible: the layout that stresses pigeonhole logic. */
    static PdqHash clustered(PdqHash h, int d, int firstChunk) {
        long[] w = {h.w0(), h.w1(), h.w2(), h.w3()};
        for (int i = 0; i < d; i++) {
            int bit = ((firstChunk * 16) + i) % 256;
            w[bit >> 6] ^= 1L << (bit & 63);
        }
        return new PdqHash(w[0], w[1], w[2], w[3]);
    }

    static Map<Long, Integer> brute(List<PdqIndex.Item> items, List<Long> retracted, List<PdqHash> variants, int radius) {
        Map<Long, Integer> out = new HashMap<>();
        for (PdqIndex.Item it : items) {
            if (retracted.contains(it.entryId())) continue;
            int best = Integer.MAX_VALUE;
            for (PdqHash v : variants) best = Math.min(best, v.distance(it.hash()));
            if (best <= radius) out.put(it.entryId(), best);
        }
        return out;
    }

    static Map<Long, Integer> asMap(List<PdqIndex.Hit> hits) {
        Map<Long, Integer> out = new HashMap<>();
        for (PdqIndex.Hit h : hits) assertThat(out.put(h.entryId(), h.distance())).as("one hit per entry").isNull();
        return out;
    }

    @Test
    void agrees_with_brute_force_on_random_data_across_segments_and_tail() {
        SplittableRandom rnd = new SplittableRandom(1);
        List<PdqHash> queries = new ArrayList<>();
        for (int i = 0; i < 40; i++) queries.add(random(rnd));
        List<PdqIndex.Item> items = new ArrayList<>();
        long id = 1;
        for (int i = 0; i < 100_000; i++) items.add(new PdqIndex.Item(id++, 1, random(rnd)));
        // Neighbours of every query (and of its derived variants) at distances 0..40, spread and clustered.
        for (PdqHash q : queries) {
            List<PdqHash> vs = PdqDihedral.variants(q);
            for (int d = 0; d <= 40; d++) {
                items.add(new PdqIndex.Item(id++, 1, atDistance(vs.get(d % 8), d, rnd)));
                items.add(new PdqIndex.Item(id++, 2, clustered(vs.get((d + 3) % 8), d, d % 16)));
            }
        }
        java.util.Collections.shuffle(items, new java.util.Random(7));

        PdqIndex index = new PdqIndex();
        index.load(items.subList(0, 60_000));
        // The rest arrives through adds: several tail freezes and segment merges.
        for (int from = 60_000; from < items.size(); from += 7_000) {
            index.addAll(items.subList(from, Math.min(items.size(), from + 7_000)));
        }
        assertThat(index.size()).isEqualTo(items.size());
        assertThat(index.segmentCount()).isGreaterThan(1);

        int found = 0;
        for (PdqHash q : queries) {
            List<PdqHash> vs = PdqDihedral.variants(q);
            for (int radius : new int[]{31, 20, 0}) {
                Map<Long, Integer> expected = brute(items, List.of(), vs, radius);
                assertThat(asMap(index.search(vs, radius))).isEqualTo(expected);
                found += expected.size();
            }
            // Single-variant queries too.
            assertThat(asMap(index.search(List.of(q), 31))).isEqualTo(brute(items, List.of(), List.of(q), 31));
        }
        assertThat(found).isGreaterThan(40 * 2 * 32); // the planted neighbours are really there
    }

    @Test
    void matches_at_exactly_31_and_not_at_32() {
        SplittableRandom rnd = new SplittableRandom(2);
        PdqHash q = random(rnd);
        PdqIndex index = new PdqIndex();
        List<PdqIndex.Item> items = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) items.add(new PdqIndex.Item(1000 + i, 1, random(rnd)));
        for (int c = 0; c < 16; c++) {
            items.add(new PdqIndex.Item(c * 10 + 1, 1, clustered(q, 31, c)));
            items.add(new PdqIndex.Item(c * 10 + 2, 1, clustered(q, 32, c)));
        }
        items.add(new PdqIndex.Item(500, 1, atDistance(q, 31, rnd)));
        items.add(new PdqIndex.Item(501, 1, atDistance(q, 32, rnd)));
        index.load(items);
        // And the same via the tail.
        index.add(600, 1, atDistance(q, 31, rnd));
        index.add(601, 1, atDistance(q, 32, rnd));

        Map<Long, Integer> hits = asMap(index.search(List.of(q), 31));
        assertThat(hits).hasSize(18).allSatisfy((entry, d) -> assertThat(d).isEqualTo(31));
        assertThat(hits.keySet()).contains(500L, 600L).doesNotContain(501L, 601L);
        for (int c = 0; c < 16; c++) assertThat(hits).containsKey(c * 10 + 1L).doesNotContainKey(c * 10 + 2L);
    }

    @Test
    void retracted_entry_no_longer_matches() {
        SplittableRandom rnd = new SplittableRandom(3);
        PdqHash q = random(rnd);
        PdqIndex index = new PdqIndex();
        index.load(List.of(new PdqIndex.Item(1, 1, atDistance(q, 3, rnd)), new PdqIndex.Item(2, 1, atDistance(q, 5, rnd))));
        index.add(3, 1, atDistance(q, 4, rnd)); // in the tail
        assertThat(asMap(index.search(List.of(q), 31)).keySet()).containsExactlyInAnyOrder(1L, 2L, 3L);

        index.retract(1);
        index.retract(3);
        assertThat(asMap(index.search(List.of(q), 31)).keySet()).containsExactly(2L);

        // Still gone after the tail is frozen and segments merged (compaction drops it).
        List<PdqIndex.Item> more = new ArrayList<>();
        for (int i = 0; i < PdqIndex.TAIL_LIMIT * 2; i++) more.add(new PdqIndex.Item(100 + i, 1, random(rnd)));
        index.addAll(more);
        assertThat(asMap(index.search(List.of(q), 31)).keySet()).containsExactly(2L);
    }

    @Test
    void concurrent_adds_and_queries_lose_nothing() throws Exception {
        SplittableRandom rnd = new SplittableRandom(4);
        PdqHash q = random(rnd);
        PdqIndex index = new PdqIndex();
        List<PdqIndex.Item> base = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) base.add(new PdqIndex.Item(1_000_000 + i, 1, random(rnd)));
        index.load(base);

        int writers = 2, perWriter = 50_000;
        // Every 100th add is a neighbour of q; readers must see a monotonically growing set of them.
        List<List<PdqIndex.Item>> batches = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<PdqIndex.Item> list = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                long id = (long) w * perWriter + i;
                list.add(new PdqIndex.Item(id, 1, i % 100 == 0 ? atDistance(q, rnd.nextInt(32), rnd) : random(rnd)));
            }
            batches.add(list);
        }
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<PdqIndex.Item> list = batches.get(w);
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < list.size(); i += 37) {
                        if (i % 2 == 0) index.addAll(list.subList(i, Math.min(list.size(), i + 37)));
                        else for (PdqIndex.Item it : list.subList(i, Math.min(list.size(), i + 37))) index.add(it.entryId(), it.bankId(), it.hash());
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    int last = 0;
                    while (!done.get()) {
                        int n = index.search(List.of(q), 31).size();
                        assertThat(n).isGreaterThanOrEqualTo(last);
                        last = n;
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (int w = 0; w < writers; w++) threads.get(w).join();
        done.set(true);
        for (Thread t : threads) t.join();

        assertThat(errors).isEmpty();
        assertThat(index.size()).isEqualTo(20_000 + writers * perWriter);
        assertThat(index.search(List.of(q), 31)).hasSize(writers * perWriter / 100);
    }
}
