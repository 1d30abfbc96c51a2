package org.sightline.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Exact-digest lookup (MD5, SHA-256): a concurrent map from the lowercase hex digest to the entries holding it. */
public final class DigestIndex {

    public record Ref(long entryId, int bankId) {
    }

    private final Map<String, List<Ref>> byDigest = new ConcurrentHashMap<>();
    private final java.util.Set<Long> retracted = ConcurrentHashMap.newKeySet();

    public void add(long entryId, int bankId, String hex) {
        // Copy-on-write per key, so a reader iterating one list never sees it change.
        byDigest.compute(hex, (k, old) -> {
            List<Ref> next = old == null ? new ArrayList<>(1) : new ArrayList<>(old);
            next.add(new Ref(entryId, bankId));
            return List.copyOf(next);
        });
    }

    /** Marks the entry retracted (kept in a set, like the other indexes, so the order of add and retract never matters). */
    public void retract(long entryId) {
        retracted.add(entryId);
    }

    public List<Ref> lookup(String hex) {
        List<Ref> refs = byDigest.getOrDefault(hex, List.of());
        if (refs.isEmpty() || retracted.isEmpty()) return refs;
        return refs.stream().filter(r -> !retracted.contains(r.entryId())).toList();
    }

    public int size() {
        return byDigest.values().stream().mapToInt(List::size).sum() - retracted.size();
    }
}
