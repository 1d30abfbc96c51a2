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

    private final PdqIndex pdq = new PdqIndex();
    private final Hash64Index phash = new Hash64Index();
    private final Hash64Index dhash = new Hash64Index();
    private final DigestIndex md5 = new DigestIndex();
    private final DigestIndex sha256 = new DigestIndex();
    private final Map<Integer, MatchBank> banks = new ConcurrentHashMap<>();
    private final IdSet indexed = new IdSet();

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
        return new Loader();
    }

    public final class Loader {
        private long[] hashes = new long[4 * 1024];
        private long[] ids = new long[1024];
        private int[] banks = new int[1024];
        private int n;

        private Loader() {
        }

        public void accept(IndexedEntry e) {
            if (!indexed.add(e.entryId())) return;
            if (e.type() != SignalType.PDQ) {
                addOne(e);
                return;
            }
            if (n == ids.length) {
                int cap = n + (n >> 1);
                hashes = java.util.Arrays.copyOf(hashes, 4 * cap);
                ids = java.util.Arrays.copyOf(ids, cap);
                banks = java.util.Arrays.copyOf(banks, cap);
            }
            PdqHash h = PdqHash.parse(e.value());
            hashes[4 * n] = h.w0();
            hashes[4 * n + 1] = h.w1();
            hashes[4 * n + 2] = h.w2();
            hashes[4 * n + 3] = h.w3();
            ids[n] = e.entryId();
            banks[n] = e.bankId();
            n++;
        }

        public void finish() {
            pdq.loadPacked(hashes, ids, banks, n);
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
        List<PdqIndex.Item> pdqItems = new ArrayList<>();
        for (IndexedEntry e : entries) {
            if (!indexed.add(e.entryId())) continue;
            if (e.type() == SignalType.PDQ) {
                pdqItems.add(new PdqIndex.Item(e.entryId(), e.bankId(), PdqHash.parse(e.value())));
            } else {
                addOne(e);
            }
        }
        if (!pdqItems.isEmpty()) pdq.addAll(pdqItems);
    }

    /** One non-PDQ entry (PDQ entries go in batches, so a bulk upload publishes the index once). */
    private void addOne(IndexedEntry e) {
        switch (e.type()) {
            case PDQ -> pdq.add(e.entryId(), e.bankId(), PdqHash.parse(e.value()));
            case PHASH -> phash.add(e.entryId(), e.bankId(), Long.parseUnsignedLong(e.value(), 16));
            case DHASH -> dhash.add(e.entryId(), e.bankId(), Long.parseUnsignedLong(e.value(), 16));
            case MD5 -> md5.add(e.entryId(), e.bankId(), e.value());
            case SHA256 -> sha256.add(e.entryId(), e.bankId(), e.value());
        }
    }

    public void retract(IndexedEntry e) {
        switch (e.type()) {
            case PDQ -> pdq.retract(e.entryId());
            case PHASH -> phash.retract(e.entryId());
            case DHASH -> dhash.retract(e.entryId());
            case MD5 -> md5.retract(e.entryId());
            case SHA256 -> sha256.retract(e.entryId());
        }
    }

    public Result match(List<Probe> probes) {
        List<Match> hits = new ArrayList<>();
        for (Probe p : probes) {
            switch (p.type()) {
                case PDQ -> {
                    if (p.quality() != null && p.quality() < MIN_PDQ_QUALITY) continue;
                    List<PdqHash> variants = p.variants() != null ? p.variants()
                            : PdqDihedral.variants(PdqHash.parse(p.value()));
                    for (PdqIndex.Hit h : pdq.search(variants, PdqSegment.MAX_RADIUS)) {
                        keep(hits, h.bankId(), h.entryId(), p.type(), h.distance(), PdqDihedral.NAMES.get(h.variant()));
                    }
                }
                case PHASH, DHASH -> {
                    Hash64Index idx = p.type() == SignalType.PHASH ? phash : dhash;
                    long q = Long.parseUnsignedLong(p.value(), 16);
                    for (Hash64Index.Hit h : idx.search(q, maxThreshold(p.type()))) {
                        keep(hits, h.bankId(), h.entryId(), p.type(), h.distance(), null);
                    }
                }
                case MD5, SHA256 -> {
                    DigestIndex idx = p.type() == SignalType.MD5 ? md5 : sha256;
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
        return switch (t) {
            case PDQ -> pdq.size();
            case PHASH -> phash.size();
            case DHASH -> dhash.size();
            case MD5 -> md5.size();
            case SHA256 -> sha256.size();
        };
    }
}
