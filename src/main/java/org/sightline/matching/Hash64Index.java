package org.sightline.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact Hamming-radius search over 64-bit hashes (pHash, dHash) by a packed linear scan: 8 bytes per hash
 * streamed sequentially, one popcount each, so even a few million hashes scan in a few milliseconds.
 * Append-only arrays with a published size; readers never wait.
 */
public final class Hash64Index {

    private record State(long[] values, long[] entryIds, int[] bankIds, int size) {
    }

    private volatile State state = new State(new long[256], new long[256], new int[256], 0);
    private final Set<Long> retracted = ConcurrentHashMap.newKeySet();

    public record Hit(long entryId, int bankId, int distance) {
    }

    public synchronized void add(long entryId, int bankId, long value) {
        State s = state;
        long[] v = s.values(), ids = s.entryIds();
        int[] banks = s.bankIds();
        int n = s.size();
        if (n == v.length) {
            v = Arrays.copyOf(v, n * 2);
            ids = Arrays.copyOf(ids, n * 2);
            banks = Arrays.copyOf(banks, n * 2);
        }
        v[n] = value;
        ids[n] = entryId;
        banks[n] = bankId;
        state = new State(v, ids, banks, n + 1);
    }

    public void retract(long entryId) {
        retracted.add(entryId);
    }

    public List<Hit> search(long query, int radius) {
        State s = state;
        long[] v = s.values();
        List<Hit> out = new ArrayList<>();
        for (int i = 0, n = s.size(); i < n; i++) {
            int d = Long.bitCount(v[i] ^ query);
            if (d <= radius && !retracted.contains(s.entryIds()[i])) {
                out.add(new Hit(s.entryIds()[i], s.bankIds()[i], d));
            }
        }
        return out;
    }

    public int size() {
        return state.size();
    }
}
