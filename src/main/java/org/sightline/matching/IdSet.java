package org.sightline.matching;

import java.util.Arrays;

/**
 * The entry ids the index holds, as a bitmap over the id range (database identities are dense: 10 M entries
 * cost about 1.2 MB). Lets the same entry arrive twice (its own add, and a change notice from the database)
 * and be indexed once.
 */
final class IdSet {
    private long[] words = new long[1024];

    /** Marks the id; true if it was not marked before. */
    synchronized boolean add(long id) {
        if (id < 0 || id > Integer.MAX_VALUE * 64L) throw new IllegalArgumentException("entry id out of range: " + id);
        int w = (int) (id >>> 6);
        if (w >= words.length) words = Arrays.copyOf(words, Math.max(w + 1, words.length * 2));
        long bit = 1L << (id & 63);
        if ((words[w] & bit) != 0) return false;
        words[w] |= bit;
        return true;
    }

    synchronized boolean contains(long id) {
        long w = id >>> 6;
        return id >= 0 && w < words.length && (words[(int) w] & (1L << (id & 63))) != 0;
    }

    synchronized void clear() {
        words = new long[1024];
    }
}
