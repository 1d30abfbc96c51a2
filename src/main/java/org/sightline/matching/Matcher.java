package org.sightline.matching;

import org.sightline.hashing.PdqHash;
import org.sightline.hashing.VpdqFrame;

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
    private final double videoBankedPercent;
    private final double videoUploadPercent;

    /** vPDQ with python-threatexchange's distance and this project's defaults (80 % either way). */
    public Matcher() {
        this(80, 80);
    }

    /**
     * @param videoBankedPercent a video matches a banked video when this share of the banked video's distinct
     *                           frames (quality ≥ 50) have a frame of the upload within the PDQ threshold …
     * @param videoUploadPercent … or when this share of the upload's frames have one in the banked video
     */
    public Matcher(double videoBankedPercent, double videoUploadPercent) {
        this.videoBankedPercent = videoBankedPercent;
        this.videoUploadPercent = videoUploadPercent;
    }
    /** Replaced whole by {@link #rebuild}; readers take it once per query. */
    private volatile Indexes current = new Indexes();

    /** The share of a banked video's frames that makes a match (the video rule's first half). */
    public double videoBankedPercent() {
        return videoBankedPercent;
    }

    /** The share of the upload's frames that makes a match (the video rule's second half). */
    public double videoUploadPercent() {
        return videoUploadPercent;
    }

    /** The video rule: either share is enough. */
    public boolean videoMatches(double bankedPercent, double uploadPercent) {
        return bankedPercent >= videoBankedPercent || uploadPercent >= videoUploadPercent;
    }

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
        final DigestIndex videoMd5 = new DigestIndex();
        /** Banked videos by entry id: their distinct matchable frames, which are also in {@link #pdq} under that id. */
        final Map<Long, VideoEntry> videos = new ConcurrentHashMap<>();
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
                case PDQ, VPDQ -> pdqThreshold;
                case PHASH -> phashThreshold;
                case DHASH -> dhashThreshold;
                case MD5, SHA256, VIDEO_MD5 -> 0;
            };
        }
    }

    /** A banked video: its distinct frames of quality ≥ 50 and their timestamps (first occurrence). */
    record VideoEntry(int bankId, List<PdqHash> frames, double[] timestamps) {
        static VideoEntry of(int bankId, String value) {
            List<VpdqFrame> all = Vpdq.parse(value);
            List<PdqHash> distinct = Vpdq.distinctMatchable(all);
            double[] at = new double[distinct.size()];
            for (int i = 0; i < distinct.size(); i++) {
                for (VpdqFrame f : all) {
                    if (f.pdq().equals(distinct.get(i))) {
                        at[i] = f.timestamp();
                        break;
                    }
                }
            }
            return new VideoEntry(bankId, distinct, at);
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
                        boolean allowBank, boolean observe, VideoEvidence video) {
        public Match(int bankId, String bank, long entryId, SignalType signalType, int distance, String variant,
                     boolean allowBank, boolean observe) {
            this(bankId, bank, entryId, signalType, distance, variant, allowBank, observe, null);
        }
    }

    /**
     * What a match involving video rests on. For a video against a banked video: the share of the banked video's
     * distinct frames matched and of the upload's ({@code bankedPercent}, {@code uploadPercent}, 0..100). For a
     * still against a video entry's frame, or a video frame against an image entry: the percentages are null and
     * {@code uploadAt}/{@code bankedAt} say which frame (seconds; null for the still's side).
     */
    public record VideoEvidence(Double bankedPercent, Double uploadPercent, Double uploadAt, Double bankedAt) {
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
            if (e.type() == SignalType.VPDQ) {
                VideoEntry v = VideoEntry.of(e.bankId(), e.value());
                into.videos.put(e.entryId(), v);
                for (PdqHash h : v.frames()) packPdq(e.entryId(), e.bankId(), h.w0(), h.w1(), h.w2(), h.w3());
                return;
            }
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
            } else if (e.type() == SignalType.VPDQ) {
                VideoEntry v = VideoEntry.of(e.bankId(), e.value());
                x.videos.put(e.entryId(), v);
                for (PdqHash h : v.frames()) pdqItems.add(new PdqIndex.Item(e.entryId(), e.bankId(), h));
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
            case VIDEO_MD5 -> x.videoMd5.add(e.entryId(), e.bankId(), e.value());
            case VPDQ -> {
                VideoEntry v = VideoEntry.of(e.bankId(), e.value());
                x.videos.put(e.entryId(), v);
                for (PdqHash h : v.frames()) x.pdq.add(e.entryId(), e.bankId(), h);
            }
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
            case VIDEO_MD5 -> x.videoMd5.retract(e.entryId());
            case VPDQ -> {
                x.pdq.retract(e.entryId());
                x.videos.remove(e.entryId());
            }
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
                        VideoEntry v = x.videos.get(h.entryId());
                        // a still matching a frame of a banked video: say which frame
                        VideoEvidence at = v == null ? null
                                : new VideoEvidence(null, null, null, nearestAt(v, variants.get(h.variant())));
                        keep(hits, h.bankId(), h.entryId(), p.type(), h.distance(), PdqDihedral.NAMES.get(h.variant()),
                                at);
                    }
                }
                case VPDQ -> matchVideo(x, Vpdq.parse(p.value()), hits);
                case PHASH, DHASH -> {
                    Hash64Index idx = p.type() == SignalType.PHASH ? x.phash : x.dhash;
                    long q = Long.parseUnsignedLong(p.value(), 16);
                    for (Hash64Index.Hit h : idx.search(q, maxThreshold(p.type()))) {
                        keep(hits, h.bankId(), h.entryId(), p.type(), h.distance(), null);
                    }
                }
                case MD5, SHA256, VIDEO_MD5 -> {
                    DigestIndex idx = p.type() == SignalType.MD5 ? x.md5
                            : p.type() == SignalType.SHA256 ? x.sha256 : x.videoMd5;
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
        keep(out, bankId, entryId, type, distance, variant, null);
    }

    private void keep(List<Match> out, int bankId, long entryId, SignalType type, int distance, String variant,
                      VideoEvidence video) {
        MatchBank b = banks.get(bankId);
        if (b == null || distance > b.threshold(type)) return;
        out.add(new Match(bankId, b.name(), entryId, type, distance, variant, b.allow(), b.observe(), video));
    }

    /**
     * An uploaded video: each of its distinct frames of quality ≥ 50 is one index query (the original only, as
     * vpdq does), so the cost grows with the upload's frames, not with the banked videos. A hit on an image entry
     * is a PDQ match (the closest frame's time kept); hits on a banked video make it a candidate, and a candidate
     * matches when {@code videoBankedPercent} of its frames or {@code videoUploadPercent} of the upload's frames
     * are matched (counted exactly between the two frame lists).
     */
    private void matchVideo(Indexes x, List<VpdqFrame> upload, List<Match> hits) {
        List<PdqHash> query = Vpdq.distinctMatchable(upload);
        Map<Long, PdqIndex.Hit> images = new java.util.HashMap<>();
        Map<Long, Double> imageAt = new java.util.HashMap<>();
        Map<Long, Integer> candidates = new java.util.HashMap<>();
        for (PdqHash q : query) {
            for (PdqIndex.Hit h : x.pdq.search(List.of(q), PdqSegment.MAX_RADIUS)) {
                if (x.videos.containsKey(h.entryId())) {
                    candidates.merge(h.entryId(), h.distance(), Math::min);
                } else {
                    PdqIndex.Hit old = images.get(h.entryId());
                    if (old == null || h.distance() < old.distance()) {
                        images.put(h.entryId(), h);
                        imageAt.put(h.entryId(), firstAt(upload, q));
                    }
                }
            }
        }
        for (PdqIndex.Hit h : images.values()) {
            keep(hits, h.bankId(), h.entryId(), SignalType.PDQ, h.distance(), "original",
                    new VideoEvidence(null, null, imageAt.get(h.entryId()), null));
        }
        for (Map.Entry<Long, Integer> c : candidates.entrySet()) {
            VideoEntry v = x.videos.get(c.getKey());
            MatchBank b = v == null ? null : banks.get(v.bankId());
            if (v == null || b == null || v.frames().isEmpty() || query.isEmpty()) continue;
            int threshold = b.threshold(SignalType.VPDQ);
            double banked = 100.0 * Vpdq.matchedIn(v.frames(), query, threshold) / v.frames().size();
            double uploaded = 100.0 * Vpdq.matchedIn(query, v.frames(), threshold) / query.size();
            if (videoMatches(banked, uploaded)) {
                keep(hits, v.bankId(), c.getKey(), SignalType.VPDQ, c.getValue(), null,
                        new VideoEvidence(round1(banked), round1(uploaded), null, null));
            }
        }
    }

    private static double round1(double percent) {
        return Math.round(percent * 10) / 10.0;
    }

    private static Double firstAt(List<VpdqFrame> frames, PdqHash h) {
        for (VpdqFrame f : frames) if (f.pdq().equals(h)) return f.timestamp();
        return null;
    }

    /** The time of the banked video's frame nearest to {@code h}. */
    private static Double nearestAt(VideoEntry v, PdqHash h) {
        int best = Integer.MAX_VALUE;
        Double at = null;
        for (int i = 0; i < v.frames().size(); i++) {
            int d = v.frames().get(i).distance(h);
            if (d < best) {
                best = d;
                at = v.timestamps()[i];
            }
        }
        return at;
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
            case VIDEO_MD5 -> x.videoMd5.size();
            case VPDQ -> x.videos.size();
        };
    }
}
