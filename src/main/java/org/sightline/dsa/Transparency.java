package org.sightline.dsa;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.sightline.review.AccountHistories;
import org.sightline.review.Dashboard;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The transparency report (DSA Art. 15) over a period, from the statements, appeals, cases and action requests:
 * decisions by label, category, source and automation; actions by type; appeals and their outcomes; the median
 * time to first action and to resolve an appeal; the overturn rate per bank, list and exchange; the
 * repeat-offender rate; statements submitted to the Transparency Database.
 */
public final class Transparency {
    private final Jdbi jdbi;
    private final Dashboard dashboard;

    public Transparency(Jdbi jdbi, Dashboard dashboard) {
        this.jdbi = jdbi;
        this.dashboard = dashboard;
    }

    /** One statement's facts the report counts. */
    public record Row(String category, String labels, String sourceKind, String sourceNames, String automatedDecision,
                      String action, String actionType, String outcome, String tdbState, Instant createdAt) {
    }

    record Decided(String state, Instant createdAt, Instant decidedAt) {
    }

    public record Overturns(long statements, long overturned, double rate) {
    }

    public record Report(Instant from, Instant to, long statements, Map<String, Long> byLabel,
                         Map<String, Long> byCategory, Map<String, Long> bySource, Map<String, Long> byAutomation,
                         Map<String, Long> actions, Map<String, Long> caseDecisions, long appealsReceived,
                         long appealsUpheld, long appealsOverturned, Long medianFirstActionSeconds,
                         Long medianAppealResolutionSeconds, Map<String, Overturns> overturnRate,
                         Double repeatOffenderRate, long submittedToTdb, Map<LocalDate, Long> perWeek) {
        /** The API's shape (snake_case keys). */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", from.toString());
            m.put("to", to.toString());
            m.put("statements", statements);
            m.put("by_label", byLabel);
            m.put("by_category", byCategory);
            m.put("by_source", bySource);
            m.put("by_automation", byAutomation);
            m.put("actions", actions);
            m.put("case_decisions", caseDecisions);
            m.put("appeals", Map.of("received", appealsReceived, "upheld", appealsUpheld, "overturned", appealsOverturned));
            m.put("median_first_action_seconds", medianFirstActionSeconds);
            m.put("median_appeal_resolution_seconds", medianAppealResolutionSeconds);
            Map<String, Object> rates = new LinkedHashMap<>();
            overturnRate.forEach((k, v) -> rates.put(k, Map.of("statements", v.statements(), "overturned", v.overturned(),
                    "rate", v.rate())));
            m.put("overturn_rate", rates);
            m.put("repeat_offender_rate", repeatOffenderRate);
            m.put("submitted_to_tdb", submittedToTdb);
            Map<String, Long> weeks = new LinkedHashMap<>();
            perWeek.forEach((k, v) -> weeks.put(k.toString(), v));
            m.put("per_week", weeks);
            return m;
        }
    }

    public Report report(Instant from, Instant to) {
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("SELECT category, labels, source_kind, source_names,"
                        + " automated_decision, action, action_type, outcome, tdb_state, created_at FROM statements"
                        + " WHERE created_at >= :from AND created_at < :to ORDER BY id")
                .bind("from", from).bind("to", to).map(ConstructorMapper.of(Row.class)).list());
        Map<String, Long> byLabel = new TreeMap<>(), byCategory = new TreeMap<>(), bySource = new TreeMap<>(),
                byAutomation = new TreeMap<>(), actions = new TreeMap<>();
        Map<String, long[]> overturns = new TreeMap<>();
        Map<LocalDate, Long> perWeek = new TreeMap<>();
        long submitted = 0;
        // every week that starts before the period's end (on a Monday, the week that began at midnight too)
        for (LocalDate w = week(from); w.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to); w = w.plusWeeks(1)) {
            perWeek.put(w, 0L);
            if (perWeek.size() > 60) break; // a long period charts its first 60 weeks
        }
        for (Row r : rows) {
            if (r.labels() != null && !r.labels().isEmpty()) {
                for (String l : r.labels().split(",")) byLabel.merge(l, 1L, Long::sum);
            } else {
                byLabel.merge("(none)", 1L, Long::sum);
            }
            byCategory.merge(r.category(), 1L, Long::sum);
            bySource.merge(r.sourceKind(), 1L, Long::sum);
            byAutomation.merge(r.automatedDecision(), 1L, Long::sum);
            actions.merge(r.action() + (r.actionType() == null ? "" : ":" + r.actionType()), 1L, Long::sum);
            if (r.sourceNames() != null) {
                for (String n : r.sourceNames().split(",")) {
                    long[] c = overturns.computeIfAbsent(r.sourceKind() + ":" + n, k -> new long[2]);
                    c[0]++;
                    if (Appeal.OVERTURNED.equals(r.outcome())) c[1]++;
                }
            }
            if (Statement.TDB_SUBMITTED.equals(r.tdbState())) submitted++;
            perWeek.computeIfPresent(week(r.createdAt()), (k, v) -> v + 1);
        }
        Map<String, Overturns> rates = new LinkedHashMap<>();
        overturns.forEach((k, c) -> rates.put(k, new Overturns(c[0], c[1], c[0] == 0 ? 0 : (double) c[1] / c[0])));
        Map<String, Long> decisions = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT decision, COUNT(*) AS n FROM cases WHERE decided_at >= :from"
                        + " AND decided_at < :to AND decision IS NOT NULL GROUP BY decision")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> Map.entry(rs.getString("decision"), rs.getLong("n")))
                .forEach(e -> decisions.put(e.getKey(), e.getValue())));
        long received = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM appeals WHERE created_at >= :from"
                + " AND created_at < :to").bind("from", from).bind("to", to).mapTo(Long.class).one());
        List<Long> resolution = new ArrayList<>();
        long[] outcomes = new long[2];
        for (Decided a : jdbi.withHandle(h -> h.createQuery("SELECT state, created_at, decided_at FROM appeals"
                + " WHERE decided_at >= :from AND decided_at < :to").bind("from", from).bind("to", to)
                .map(ConstructorMapper.of(Decided.class)).list())) {
            if (Appeal.UPHELD.equals(a.state())) outcomes[0]++;
            else outcomes[1]++;
            resolution.add(Duration.between(a.createdAt(), a.decidedAt()).toMillis());
        }
        resolution.sort(null);
        List<Long> firstActions = dashboard.timesToFirstAction(from, to);
        return new Report(from, to, rows.size(), byLabel, byCategory, bySource, byAutomation, actions, decisions,
                received, outcomes[0], outcomes[1], seconds(Dashboard.percentile(firstActions, 50)),
                seconds(Dashboard.percentile(resolution, 50)), rates,
                new AccountHistories(jdbi).repeatOffenderRate(from), submitted, perWeek);
    }

    private static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
    }

    private static LocalDate week(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** The report as CSV rows: section, key, value. */
    public static List<List<String>> csv(Report r) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.of("section", "key", "value"));
        out.add(List.of("period", "from", r.from().toString()));
        out.add(List.of("period", "to", r.to().toString()));
        out.add(List.of("statements", "total", String.valueOf(r.statements())));
        r.byLabel().forEach((k, v) -> out.add(List.of("by_label", k, String.valueOf(v))));
        r.byCategory().forEach((k, v) -> out.add(List.of("by_category", k, String.valueOf(v))));
        r.bySource().forEach((k, v) -> out.add(List.of("by_source", k, String.valueOf(v))));
        r.byAutomation().forEach((k, v) -> out.add(List.of("by_automation", k, String.valueOf(v))));
        r.actions().forEach((k, v) -> out.add(List.of("actions", k, String.valueOf(v))));
        r.caseDecisions().forEach((k, v) -> out.add(List.of("case_decisions", k, String.valueOf(v))));
        out.add(List.of("appeals", "received", String.valueOf(r.appealsReceived())));
        out.add(List.of("appeals", "upheld", String.valueOf(r.appealsUpheld())));
        out.add(List.of("appeals", "overturned", String.valueOf(r.appealsOverturned())));
        out.add(List.of("median", "first_action_seconds", str(r.medianFirstActionSeconds())));
        out.add(List.of("median", "appeal_resolution_seconds", str(r.medianAppealResolutionSeconds())));
        r.overturnRate().forEach((k, v) -> out.add(List.of("overturn_rate", k, String.format(java.util.Locale.ROOT,
                "%.4f", v.rate()))));
        out.add(List.of("repeat_offenders", "rate", str(r.repeatOffenderRate())));
        out.add(List.of("tdb", "submitted", String.valueOf(r.submittedToTdb())));
        r.perWeek().forEach((k, v) -> out.add(List.of("per_week", k.toString(), String.valueOf(v))));
        return out;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }
}
