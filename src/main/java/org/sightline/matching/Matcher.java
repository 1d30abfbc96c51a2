package org.sightline.matching;

import org.sightline.hashing.PdqHash;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All in-memory indexes (one per signal type) and the rules that turn raw hits into matches: per-bank
 * thresholds, PDQ quality, and allow-bank vetoes. Knows nothing about storage or HTTP: the bank service feeds
 * it entries and bank settings.
 */
public final class Matcher {
    /** PDQ hashes below this quality are unreliable and never matched. */
    public static final int MIN_PDQ_QUALITY = 50;

    private final Map<Integer, MatchBank> banks = new ConcurrentHashMap<>();
    /** Replaced whole by {@link #rebuild}; readers take it once per query. */
    private volatile Indexes current = new Indexes();

    /**
     * One generation of the indexes, with what they hold per signal type as a count and a sum of entry ids
     * (active entries only), so that a caller can tell cheaply whether they agree with the database.
     */
    private static final class Indexes {
        final PdqIndex pdq = new PdqIndex();
        final Hash64Index phash = new Hash64Index();
        final Hash64Index dhash = new Hash64Index();
        final DigestIndex md5 = new DigestIndex();
        final DigestIndex sha256 = new DigestIndex();
        final IdSet indexed = new IdSet();
        final IdSet retracted = new IdSet();
        final long[] counts = new long[SignalType.values().length];
        final long[] idSums = new long[SignalType.values().length];

        synchronized void counted(SignalType t, long entryId, int sign) {
            counts[t.ordinal()] += sign;
            idSums[t.ordinal()] += sign * entryId;
        }

        synchronized Fingerprint fingerprint(SignalType t) {
            return new Fingerprint(counts[t.ordinal()], idSums[t.ordinal()]);
        }
    }

    /** How many active entries of one signal type are indexed, and the sum of their ids. */
    public record Fingerprint(long count, long idSum) {
    }

    /** The settings of one bank that matching needs. {@code observe}: reported, but acts on nothing (an observing allow bank vetoes nothing). */
    public record MatchBank(int id, String name, boolean allow, boolean observe, int pdqThreshold, int phashThreshold,
                            int dhashThreshold) {
        int threshold(SignalType t) {
            return switch (t) {
                case PDQ -> pdqThreshold;
                case PHASH -> phashThreshold;
                case DHASH -> dhashThreshold;
                case MD5, SHA256 -> 0;
            };
        }
    }

    /** One entry as the index holds it: value in canonical lowercase hex. */
    public record IndexedEntry(long entryId, int bankId, SignalType type, String value) {
    }

    /**
     * One signal to look up. For PDQ, {@code variants} may hold the 8 dihedral hashes computed from the image
     * (index 0 = original); when null they are derived from the value's bits. {@code quality} null = unknown,
     * treated as good (API callers who only have a hash).
     */
    public record Probe(SignalType type, String value, List<PdqHash> variants, Integer quality) {
    }

    public record Match(int bankId, String bank, long entryId, SignalType signalType, int distance, String variant,
                        boolean allowBank, boolean observe) {
    }

    /**
     * {@code matches}: what counts; {@code allowed}: allow-bank hits; {@code vetoed}: matches cancelled because an
     * allow bank in enforce mode matched too (see {@link #vetoedBy}).
     */
    public record Result(List<Match> matches, List<Match> allowed, List<Match> vetoed) {
    }

    public void putBank(MatchBank bank) {
        banks.put(bank.id(), bank);
    }

    /** Forgets a deleted bank: its entries never match again, whatever the index still holds. */
    public void removeBank(int bankId) {
        banks.remove(bankId);
    }

    /** Loads the given entries into an empty matcher (start-up). */
    public void load(List<IndexedEntry> entries) {
        Loader l = loader();
        entries.forEach(l::accept);
        l.finish();
    }

    /**
     * Start-up loading without per-entry objects: PDQ hashes go into packed arrays and become one index
     * segment on {@link Loader#finish()}, so millions of rows stream straight from the database.
     */
    public Loader loader() {
        return new Loader(current);
    }

    /**
     * Builds a fresh generation of the indexes from {@code fill} (which feeds a loader every active entry) and
     * then swaps it in whole: the repair when the indexes may have lost an update. Queries keep using the old
     * generation until the swap; adds and retractions made meanwhile must be replayed by the caller (re-reading
     * the database once more does it, since adds and retractions are idempotent).
     */
    public void rebuild(java.util.function.Consumer<Loader> fill) {
        Indexes fresh = new Indexes();
        Loader l = new Loader(fresh);
        fill.accept(l);
        l.finish();
        current = fresh;
    }

    /** What the indexes hold of one signal type (see {@link Fingerprint}). */
    public Fingerprint fingerprint(SignalType t) {
        return current.fingerprint(t);
    }

    public final class Loader {
        private final Indexes into;
        private long[] hashes = new long[4 * 1024];
        private long[] ids = new long[1024];
        private int[] banks = new int[1024];
        private int n;

        private Loader(Indexes into) {
            this.into = into;
        }

        public void accept(IndexedEntry e) {
            if (!into.indexed.add(e.entryId())) return;
            into.counted(e.type(), e.entryId(), 1);
            if (e.type() != SignalType.PDQ) {
                addOne(into, e);
                return;
            }
            PdqHash h = PdqHash.parse(e.value());
            packPdq(e.entryId(), e.bankId(), h.w0(), h.w1(), h.w2(), h.w3());
        }

        /** A PDQ entry given as its four words (a binary snapshot), without a hex round trip. */
        public void acceptPdq(long entryId, int bankId, long w0, long w1, long w2, long w3) {
            if (!into.indexed.add(entryId)) return;
            into.counted(SignalType.PDQ, entryId, 1);
            packPdq(entryId, bankId, w0, w1, w2, w3);
        }

        private void packPdq(long entryId, int bankId, long w0, long w1, long w2, long w3) {
            if (n == ids.length) {
                int cap = n + (n >> 1);
                hashes = java.util.Arrays.copyOf(hashes, 4 * cap);
                ids = java.util.Arrays.copyOf(ids, cap);
                banks = java.util.Arrays.copyOf(banks, cap);
            }
            hashes[4 * n] = w0;
            hashes[4 * n + 1] = w1;
            hashes[4 * n + 2] = w2;
            hashes[4 * n + 3] = w3;
            ids[n] = entryId;
            banks[n] = bankId;
            n++;
        }

        public void finish() {
            into.pdq.loadPacked(hashes, ids, banks, n);
            hashes = null;
            ids = null;
            banks = null;
        }
    }

    public void add(IndexedEntry e) {
        addAll(List.of(e));
    }

    /** Adds entries not yet indexed (an entry already present, e.g. announced twice, is skipped). */
    public synchronized void addAll(List<IndexedEntry> entries) {
        Indexes x = current;
        List<PdqIndex.Item> pdqItems = new ArrayList<>();
        for (IndexedEntry e : entries) {
            if (!x.indexed.add(e.entryId())) continue;
            x.counted(e.type(), e.entryId(), 1);
            if (e.type() == SignalType.PDQ) {
                pdqItems.add(new PdqIndex.Item(e.entryId(), e.bankId(), PdqHash.parse(e.value())));
            } else {
                addOne(x, e);
            }
        }
        if (!pdqItems.isEmpty()) x.pdq.addAll(pdqItems);
    }

    /** One non-PDQ entry (PDQ entries go in batches, so a bulk upload publishes the index once). */
    private static void addOne(Indexes x, IndexedEntry e) {
        switch (e.type()) {
            case PDQ -> x.pdq.add(e.entryId(), e.bankId(), PdqHash.parse(e.value()));
            case PHASH -> x.phash.add(e.entryId(), e.bankId(), Long.parseUnsignedLong(e.value(), 16));
            case DHASH -> x.dhash.add(e.entryId(), e.bankId(), Long.parseUnsignedLong(e.value(), 16));
            case MD5 -> x.md5.add(e.entryId(), e.bankId(), e.value());
            case SHA256 -> x.sha256.add(e.entryId(), e.bankId(), e.value());
        }
    }

    public synchronized void retract(IndexedEntry e) {
        Indexes x = current;
        // counted only once, and only if it was indexed: retractions arrive twice on a node that made them
        if (x.indexed.contains(e.entryId()) && x.retracted.add(e.entryId())) x.counted(e.type(), e.entryId(), -1);
        switch (e.type()) {
            case PDQ -> x.pdq.retract(e.entryId());
            case PHASH -> x.phash.retract(e.entryId());
            case DHASH -> x.dhash.retract(e.entryId());
            case MD5 -> x.md5.retract(e.entryId());
            case SHA256 -> x.sha256.retract(e.entryId());
        }
    }

    public Result match(List<Probe> probes) {
        Indexes x = current;
        List<Match> hits = new ArrayList<>();
        for (Probe p : probes) {
            switch (p.type()) {
                case PDQ -> {
                    if (p.quality() != null && p.quality() < MIN_PDQ_QUALITY) continue;
                    List<PdqHash> variants = p.variants() != null ? p.variants()
                            : PdqDihedral.variants(PdqHash.parse(p.value()));
                    for (PdqIndex.Hit h : x.pdq.search(variants, PdqSegment.MAX_RADIUS)) {
                        keep(hits, h.bankId(), h.entryId(), p.type(), h.distance(), PdqDihedral.NAMES.get(h.variant()));
                    }
                }
                case PHASH, DHASH -> {
                    Hash64Index idx = p.type() == SignalType.PHASH ? x.phash : x.dhash;
                    long q = Long.parseUnsignedLong(p.value(), 16);
                    for (Hash64Index.Hit h : idx.search(q, maxThreshold(p.type()))) {
                        keep(hits, h.bankId(), h.entryId(), p.type(), h.distance(), null);
                    }
                }
                case MD5, SHA256 -> {
                    DigestIndex idx = p.type() == SignalType.MD5 ? x.md5 : x.sha256;
                    for (DigestIndex.Ref r : idx.lookup(p.value())) keep(hits, r.bankId(), r.entryId(), p.type(), 0, null);
                }
            }
        }
        hits.sort(Comparator.comparingInt(Match::distance).thenComparing(Match::bank).thenComparingLong(Match::entryId));
        List<Match> allowed = hits.stream().filter(Match::allowBank).toList();
        List<Match> vetoing = allowed.stream().filter(m -> !m.observe()).toList();
        List<Match> kept = new ArrayList<>();
        List<Match> vetoed = new ArrayList<>();
        for (Match m : hits) {
            if (m.allowBank()) continue;
            (vetoedBy(vetoing, m) ? vetoed : kept).add(m);
        }
        return new Result(kept, allowed, vetoed);
    }

    /**
     * An allow-bank hit vetoes only a perceptual match of its own signal type that is no closer than the allow
     * entry itself: an exact digest match, or a closer match, is evidence the allow entry cannot explain away.
     * (Matches in banks or entries with a grave label are never vetoed either: {@code BankService} knows labels.)
     */
    static boolean vetoedBy(List<Match> allowHits, Match m) {
        if (!m.signalType().perceptual()) return false;
        for (Match a : allowHits) {
            if (a.signalType() == m.signalType() && m.distance() >= a.distance()) return true;
        }
        return false;
    }

    private void keep(List<Match> out, int bankId, long entryId, SignalType type, int distance, String variant) {
        MatchBank b = banks.get(bankId);
        if (b == null || distance > b.threshold(type)) return;
        out.add(new Match(bankId, b.name(), entryId, type, distance, variant, b.allow(), b.observe()));
    }

    private int maxThreshold(SignalType t) {
        int max = 0;
        for (MatchBank b : banks.values()) max = Math.max(max, b.threshold(t));
        return max;
    }

    public int size(SignalType t) {
        Indexes x = current;
        return switch (t) {
            case PDQ -> x.pdq.size();
            case PHASH -> x.phash.size();
            case DHASH -> x.dhash.size();
            case MD5 -> x.md5.size();
            case SHA256 -> x.sha256.size();
        };
    }
}
