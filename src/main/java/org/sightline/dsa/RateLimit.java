package org.sightline.dsa;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests per key in a sliding window, in memory (per node): the appeal page's limits per token and per address.
 * Bounded: past {@code maxKeys} the least recently used key is forgotten.
 */
final class RateLimit {
    private final int limit;
    private final Duration window;
    private final Map<String, Deque<Instant>> hits;

    RateLimit(int limit, Duration window, int maxKeys) {
        this.limit = limit;
        this.window = window;
        this.hits = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Counts one request; false when the key is over its limit (the request is not counted then). */
    synchronized boolean admit(String key, Instant now) {
        Deque<Instant> d = hits.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant cutoff = now.minus(window);
        while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) d.pollFirst();
        if (d.size() >= limit) return false;
        d.addLast(now);
        return true;
    }
}
