package org.sightline.review;

import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditDao;
import org.sightline.audit.AuditLog;
import org.sightline.ingest.MediaCatalog;
import org.sightline.access.Role;
import org.sightline.access.User;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The dashboard's figures. Percentiles and per-day counts are computed in Java, portable across databases. */
public final class Dashboard {
    private final Jdbi jdbi;
    private final MediaCatalog media;
    private final AuditLog audit;
    private final Clock clock;

    public Dashboard(Jdbi jdbi, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.media = new MediaCatalog(jdbi);
        this.audit = audit;
        this.clock = clock;
    }

    public record BankRate(String bank, long decided, long dismissed, int dismissPercent) {
    }

    public record Figures(long open, long escalated, Duration oldestOpenAge, Map<LocalDate, Long> decisionsPerDay,
                          Duration firstActionP50, Duration firstActionP95, List<BankRate> dismissRates,
                          long unscanned24h, List<AuditDao.RevealCount> reveals, Integer repeatOffenderPercent,
                          Map<LocalDate, Long> firstActionMinutesPerDay) {
        /** Dismiss rate per bank, in the order of {@link #dismissRates}, for the chart. */
        public Map<String, Integer> dismissPercents() {
            Map<String, Integer> out = new java.util.LinkedHashMap<>();
            for (BankRate r : dismissRates) out.put(r.bank(), r.dismissPercent());
            return out;
        }
    }

    /** Reveal counts of the last 30 days: everyone's for admins, one's own for anyone else. */
    public Figures figures(User viewer) {
        ReviewDao dao = jdbi.onDemand(ReviewDao.class);
        Instant now = clock.instant();
        Duration oldest = dao.oldestOpen().map(t -> Duration.between(t, now)).orElse(null);
        Map<LocalDate, Long> perDay = new TreeMap<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (int i = 6; i >= 0; i--) perDay.put(today.minusDays(i), 0L);
        for (ReviewDao.DecidedRow r : dao.decidedSince(now.minus(Duration.ofDays(30)))) {
            LocalDate d = LocalDate.ofInstant(r.decidedAt(), ZoneOffset.UTC);
            if (perDay.containsKey(d)) perDay.merge(d, 1L, Long::sum);
        }
        // one read of the 30 days' first actions serves the percentiles and the 7-day chart
        List<ReviewDao.FirstAction> firstActions = jdbi.onDemand(ReviewDao.class).firstActions(
                now.minus(Duration.ofDays(30)), now);
        List<Long> firstActionMillis = sortedMillis(firstActions);
        List<BankRate> rates = new ArrayList<>();
        for (ReviewDao.BankDecisions b : dao.decisionsPerBank()) {
            rates.add(new BankRate(b.bankName(), b.decided(), b.dismissed(),
                    b.decided() == 0 ? 0 : (int) Math.round(100.0 * b.dismissed() / b.decided())));
        }
        List<AuditDao.RevealCount> reveals = new ArrayList<>();
        for (AuditDao.RevealCount rc : audit.revealCounts(now.minus(Duration.ofDays(30)))) {
            if (viewer.can(Role.ADMIN) || rc.actor().equals(viewer.name())) reveals.add(rc);
        }
        long unscanned = media.countUnscannedSince(now.minus(Duration.ofHours(24)));
        // the share of confirmed cases (90 days) whose account had an earlier confirmed case
        Double repeat = new AccountHistories(jdbi).repeatOffenderRate(now.minus(Duration.ofDays(90)));
        return new Figures(dao.countState(CaseState.OPEN), dao.countState(CaseState.ESCALATED), oldest, perDay,
                percentile(firstActionMillis, 50), percentile(firstActionMillis, 95), rates, unscanned, reveals,
                repeat == null ? null : (int) Math.round(100 * repeat), firstActionMinutesPerDay(firstActions, today));
    }

    /**
     * The queue's size over the last 7 days: the cases waiting (open or escalated) at the end of each UTC day, and
     * now for today.
     */
    public Map<LocalDate, Long> queueSizes() {
        ReviewDao dao = jdbi.onDemand(ReviewDao.class);
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<LocalDate, Long> out = new TreeMap<>();
        for (int i = 6; i >= 0; i--) {
            LocalDate day = today.minusDays(i);
            Instant end = i == 0 ? now : day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000);
            out.put(day, dao.waitingAt(end));
        }
        return out;
    }

    /**
     * Time to first action (#16's definition, also the transparency report's): from when the media was seen to its
     * first decision or action, whichever came first (an automatic action counts; an undecided case with no action
     * has no first action yet). Over the media seen in [from, to), sorted, in milliseconds.
     */
    public List<Long> timesToFirstAction(Instant from, Instant to) {
        return sortedMillis(jdbi.onDemand(ReviewDao.class).firstActions(from, to));
    }

    private static List<Long> sortedMillis(List<ReviewDao.FirstAction> rows) {
        List<Long> out = new ArrayList<>();
        for (ReviewDao.FirstAction r : rows) {
            if (r.firstAt() != null) out.add(millisToFirstAction(r));
        }
        out.sort(null);
        return out;
    }

    private static long millisToFirstAction(ReviewDao.FirstAction r) {
        return Math.max(0, Duration.between(r.seenAt(), r.firstAt()).toMillis());
    }

    /**
     * The median time to first action, in minutes, of the media seen on each of the 7 UTC days up to {@code today}
     * (0 for a day with nothing acted on yet): how long what arrives waits for someone, or something, to act.
     */
    private static Map<LocalDate, Long> firstActionMinutesPerDay(List<ReviewDao.FirstAction> rows, LocalDate today) {
        Map<LocalDate, List<Long>> byDay = new TreeMap<>();
        for (int i = 6; i >= 0; i--) byDay.put(today.minusDays(i), new ArrayList<>());
        for (ReviewDao.FirstAction r : rows) {
            List<Long> day = byDay.get(LocalDate.ofInstant(r.seenAt(), ZoneOffset.UTC));
            if (r.firstAt() != null && day != null) day.add(millisToFirstAction(r));
        }
        Map<LocalDate, Long> out = new TreeMap<>();
        byDay.forEach((day, millis) -> {
            millis.sort(null);
            Duration median = percentile(millis, 50);
            out.put(day, median == null ? 0 : median.toMinutes());
        });
        return out;
    }

    /** Nearest-rank percentile; null when nothing was decided. */
    public static Duration percentile(List<Long> sortedMillis, int p) {
        if (sortedMillis.isEmpty()) return null;
        int rank = (int) Math.ceil(p / 100.0 * sortedMillis.size());
        return Duration.ofMillis(sortedMillis.get(Math.max(0, rank - 1)));
    }

    /** "3 d 4 h", "5 h 2 min", "40 s": a duration as a moderator reads it. */
    public static String human(Duration d) {
        if (d == null) return "–";
        long s = d.toSeconds();
        if (s >= 86400) return s / 86400 + " d " + (s % 86400) / 3600 + " h";
        if (s >= 3600) return s / 3600 + " h " + (s % 3600) / 60 + " min";
        if (s >= 60) return s / 60 + " min " + s % 60 + " s";
        return s + " s";
    }
}
