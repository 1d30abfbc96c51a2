package org.sightline.review;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.sightline.decide.AccountHistory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cases of one account (and the confirmed cases of its remote domain): for the risk score (the
 * {@link AccountHistory} port of decide), the case page, {@code GET /api/v1/accounts/{instance}/{account}/history}
 * and the dashboard's repeat-offender rate.
 */
public final class AccountHistories implements AccountHistory {
    private final Jdbi jdbi;

    public AccountHistories(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One earlier case of an account: when, what was decided, the labels of its matches. */
    public record Entry(long caseId, long mediaId, String state, String decision, Instant createdAt, Instant decidedAt,
                       String labels) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("case", caseId);
            json.put("media", mediaId);
            json.put("state", state);
            json.put("decision", decision);
            json.put("created_at", createdAt.toString());
            json.put("decided_at", decidedAt == null ? null : decidedAt.toString());
            json.put("labels", labels == null || labels.isBlank() ? List.of() : List.of(labels.split(",")));
            return json;
        }
    }

    @RegisterConstructorMapper(Entry.class)
    interface Dao {
        String CONFIRMED = " c.state = 'decided' AND c.decision = 'confirm' AND c.decided_at >= :since";

        /**
         * The account's and its domain's other accounts' confirmed cases in one pass (the index cases_confirmed
         * finds the confirmed cases of the period). {@code byAccount}/{@code byDomain} false: that count is 0.
         */
        @SqlQuery("SELECT COALESCE(SUM(CASE WHEN :byAccount AND m.account_id = :account THEN 1 ELSE 0 END), 0) AS account,"
                + " COALESCE(SUM(CASE WHEN :byDomain AND LOWER(m.acct) LIKE :pattern"
                + "  AND (m.account_id IS NULL OR m.account_id <> :account) THEN 1 ELSE 0 END), 0) AS domain"
                + " FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE" + CONFIRMED
                + " AND m.instance_id = :instance AND c.media_id <> :exclude")
        @RegisterConstructorMapper(Counts.class)
        Counts confirmed(@Bind("instance") long instanceId, @Bind("byAccount") boolean byAccount,
                         @Bind("account") String accountId, @Bind("byDomain") boolean byDomain,
                         @Bind("pattern") String acctPattern, @Bind("exclude") long excludeMediaId,
                         @Bind("since") Instant since);

        @SqlQuery("SELECT c.id AS case_id, c.media_id, c.state, c.decision, c.created_at, c.decided_at,"
                + " (SELECT MIN(mm.labels) FROM media_matches mm WHERE mm.media_id = c.media_id AND mm.vetoed = FALSE"
                + "  AND mm.labels <> '') AS labels"
                + " FROM cases c JOIN media_overview m ON m.id = c.media_id"
                + " WHERE m.instance_id = :instance AND m.account_id = :account AND c.created_at >= :since"
                + " AND c.media_id <> :exclude"
                + " ORDER BY c.created_at DESC, c.id DESC FETCH FIRST 100 ROWS ONLY")
        List<Entry> casesOfAccount(@Bind("instance") long instanceId, @Bind("account") String accountId,
                                   @Bind("exclude") long excludeMediaId, @Bind("since") Instant since);

        @SqlQuery("SELECT id FROM instances WHERE name = :name")
        java.util.Optional<Long> instanceId(@Bind("name") String name);

        @SqlQuery("SELECT MIN(m.acct) FROM media_overview m WHERE m.instance_id = :instance AND m.account_id = :account")
        String acctOf(@Bind("instance") long instanceId, @Bind("account") String accountId);

        /** Confirmed cases decided since, each with whether the same account had an earlier confirmed case. */
        @SqlQuery("SELECT COUNT(*) FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE" + CONFIRMED
                + " AND m.account_id IS NOT NULL")
        long confirmedWithAccount(@Bind("since") Instant since);

        @SqlQuery("SELECT COUNT(*) FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE" + CONFIRMED
                + " AND m.account_id IS NOT NULL AND EXISTS (SELECT 1 FROM cases e JOIN media_overview em ON em.id = e.media_id"
                + "  WHERE e.state = 'decided' AND e.decision = 'confirm' AND em.instance_id = m.instance_id"
                + "  AND em.account_id = m.account_id AND e.decided_at < c.decided_at AND e.id <> c.id)")
        long confirmedRepeat(@Bind("since") Instant since);
    }

    @Override
    public Counts confirmedSince(Long instanceId, String accountId, String acct, long excludeMediaId, Instant since) {
        if (instanceId == null) return Counts.NONE;
        String domain = AccountHistory.domainOf(acct);
        if (accountId == null && domain == null) return Counts.NONE;
        return jdbi.withExtension(Dao.class, dao -> counts(dao, instanceId, accountId, domain, excludeMediaId, since));
    }

    private static Counts counts(Dao dao, long instanceId, String accountId, String domain, long excludeMediaId,
                                 Instant since) {
        return dao.confirmed(instanceId, accountId != null, accountId == null ? "" : accountId, domain != null,
                domain == null ? "" : "%@" + domain, excludeMediaId, since);
    }

    /** An account's history as the case page and the API show it. */
    public record History(String account, String acct, String domain, List<Entry> cases, int confirmed,
                          int domainConfirmed, int days) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("account", account);
            json.put("acct", acct);
            json.put("days", days);
            json.put("confirmed", confirmed);
            if (domain != null) {
                json.put("domain", domain);
                json.put("domain_confirmed", domainConfirmed);
            }
            json.put("cases", cases.stream().map(Entry::toJson).toList());
            return json;
        }
    }

    /**
     * The cases of one account of an instance in the last {@code days} days, newest first (at most 100), leaving
     * out those of media {@code excludeMediaId} (the case page's own; -1: none) from the list and the counts alike.
     */
    public History history(long instanceId, String accountId, long excludeMediaId, Instant now, int days) {
        Instant since = now.minus(java.time.Duration.ofDays(days));
        return jdbi.withExtension(Dao.class, dao -> {
            String acct = dao.acctOf(instanceId, accountId);
            String domain = AccountHistory.domainOf(acct);
            List<Entry> cases = dao.casesOfAccount(instanceId, accountId, excludeMediaId, since);
            Counts counts = counts(dao, instanceId, accountId, domain, excludeMediaId, since);
            return new History(accountId, acct, domain, cases, counts.account(), counts.domain(), days);
        });
    }

    /** The instance's id by its name (the API names instances). */
    public java.util.Optional<Long> instanceId(String name) {
        return jdbi.withExtension(Dao.class, dao -> dao.instanceId(name));
    }

    /** The share of confirmed cases (decided since) whose account had an earlier confirmed case; null: none. */
    public Double repeatOffenderRate(Instant since) {
        return jdbi.withExtension(Dao.class, dao -> {
            long all = dao.confirmedWithAccount(since);
            return all == 0 ? null : dao.confirmedRepeat(since) / (double) all;
        });
    }
}
