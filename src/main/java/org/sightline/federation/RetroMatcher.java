package org.sightline.federation;

import org.sightline.ingest.LateMatches;
import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.BankService;
import org.sightline.hashing.PdqHash;
import org.sightline.decide.Decision;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.sightline.ingest.CaseQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches media of the last days again, from their stored signals (nothing is fetched again), against entries
 * that just arrived; new matches are recorded and, unless the bank observes, become cases for review.
 */
public final class RetroMatcher {
    private final LateMatches late = new LateMatches();
    private final CaseQueue cases;
    private static final int PAGE = 1000;
    private final Jdbi jdbi;
    private final BankService banks;
    private final Clock clock;
    private final Duration window;

    public RetroMatcher(Jdbi jdbi, BankService banks, CaseQueue cases, Clock clock, Duration window) {
        this.cases = cases;
        this.jdbi = jdbi;
        this.banks = banks;
        this.clock = clock;
        this.window = window;
    }

    /** The media items of the window that match one of {@code entryIds}, with their matches. */
    public Map<Long, List<BankService.BankMatch>> find(Set<Long> entryIds) {
        Map<Long, List<BankService.BankMatch>> found = new LinkedHashMap<>();
        if (entryIds.isEmpty()) return found;
        Instant since = clock.instant().minus(window);
        RetroDao dao = jdbi.onDemand(RetroDao.class);
        long after = 0;
        while (true) {
            List<RetroDao.StoredSignals> page = dao.scannedSince(since, after, PAGE);
            for (RetroDao.StoredSignals m : page) {
                BankService.MatchOutcome outcome = banks.match(probes(m));
                List<BankService.BankMatch> hits = new ArrayList<>();
                for (BankService.BankMatch bm : outcome.matches()) {
                    if (entryIds.contains(bm.match().entryId())) hits.add(bm);
                }
                if (!hits.isEmpty()) found.put(m.id(), hits);
            }
            if (page.size() < PAGE) break;
            after = page.get(page.size() - 1).id();
        }
        return found;
    }

    /**
     * Records the matches in one transaction; when {@code act}, opens a review case for each media item (never
     * an automatic action: an old post matched late is for a moderator to judge). Returns cases opened.
     */
    public int record(Map<Long, List<BankService.BankMatch>> found, boolean act) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return jdbi.inTransaction(h -> {
            int opened = 0;
            for (Map.Entry<Long, List<BankService.BankMatch>> e : found.entrySet()) {
                for (BankService.BankMatch bm : e.getValue()) {
                    Matcher.Match m = bm.match();
                    late.record(h, e.getKey(), bm.bank().id(), bm.bank().name(), m.entryId(),
                            m.signalType().wireName(), m.distance(), m.variant(), String.join(",", bm.labels()),
                            !act || m.observe(), now, m.video() == null ? null : new LateMatches.Video(
                                    m.video().bankedPercent(), m.video().uploadPercent(), m.video().uploadAt(),
                                    m.video().bankedAt()));
                }
                Decision d = Decision.scanned(e.getValue(), 0);
                if (act && d.openCase()) {
                    opened += cases.openForReview(h, e.getKey(), d.priority(), "retroactive: " + d.reason(), now);
                }
            }
            return opened;
        });
    }

    static List<Matcher.Probe> probes(RetroDao.StoredSignals m) {
        List<Matcher.Probe> probes = new ArrayList<>();
        if (m.pdq() != null) {
            List<PdqHash> variants = null;
            if (m.pdqDihedral() != null && !m.pdqDihedral().isBlank()) {
                variants = new ArrayList<>(8);
                for (String v : m.pdqDihedral().split(",")) variants.add(PdqHash.parse(v.trim()));
            }
            probes.add(new Matcher.Probe(SignalType.PDQ, m.pdq(), variants, m.pdqQuality()));
        }
        if (m.phash() != null) probes.add(new Matcher.Probe(SignalType.PHASH, m.phash(), null, null));
        if (m.dhash() != null) probes.add(new Matcher.Probe(SignalType.DHASH, m.dhash(), null, null));
        if (m.md5() != null) probes.add(new Matcher.Probe(SignalType.MD5, m.md5(), null, null));
        if (m.sha256() != null) probes.add(new Matcher.Probe(SignalType.SHA256, m.sha256(), null, null));
        // a video: its frames against banked videos (the percentage rule) and image entries, and its file MD5
        if (m.vpdq() != null) probes.add(new Matcher.Probe(SignalType.VPDQ, m.vpdq(), null, null));
        if (m.videoMd5() != null) probes.add(new Matcher.Probe(SignalType.VIDEO_MD5, m.videoMd5(), null, null));
        return probes;
    }
}
