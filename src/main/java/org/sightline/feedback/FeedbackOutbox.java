package org.sightline.feedback;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.exchanges.ExchangeService;
import org.sightline.federation.ListFeedback;
import org.sightline.review.EntryFeedback;
import org.sightline.store.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Opinions on shared entries, from a dismissal to where each entry came from: a subscribed list's publisher (a
 * signed opinion, {@link ListFeedback#send}) or an exchange's feedback call (StopNCII, NCMEC). Filed as rows in the
 * deciding transaction and sent from here, so an opinion whose source is down is tried again later (doubling the
 * wait each time, up to {@link #MAX_WAIT}), also after a restart, and given up only after {@link #MAX_ATTEMPTS}.
 */
public final class FeedbackOutbox implements EntryFeedback, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FeedbackOutbox.class);
    static final String EXCHANGE = "exchange:";
    static final String LIST = "list:";
    /** About three days of attempts (most at the longest wait): the source is not coming back for this opinion. */
    static final int MAX_ATTEMPTS = 20;
    static final Duration MAX_WAIT = Duration.ofHours(6);
    /** How long a node holds a row it is sending: a crash mid-send retries it after this. */
    private static final Duration CLAIM = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final BankService banks;
    private final ListFeedback lists;
    private final ExchangeService exchanges;
    private final AuditLog audit;
    private final Clock clock;
    private final FeedbackSettings settings;
    private Periodic timer;

    public FeedbackOutbox(Jdbi jdbi, BankService banks, ListFeedback lists, ExchangeService exchanges, AuditLog audit,
                          Clock clock, FeedbackSettings settings) {
        this.jdbi = jdbi;
        this.banks = banks;
        this.lists = lists;
        this.exchanges = exchanges;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public List<Target> targets(Collection<Long> entryIds) {
        List<Target> out = new ArrayList<>();
        for (long id : entryIds) {
            BankEntry e = banks.entry(id).orElse(null);
            if (e == null || e.sourceList() == null) continue; // local entries: this instance's own opinion already
            if (e.sourceList().startsWith(EXCHANGE)) {
                String name = e.sourceList().substring(EXCHANGE.length());
                String api = exchanges.apiOf(name).orElse(null);
                out.add(new Target(id, "exchange " + name + (api == null ? "" : " (" + api + ")"),
                        exchanges.feedbackUnavailable(name)));
            } else {
                out.add(new Target(id, "list " + e.sourceList(), lists.unavailable(id)));
            }
        }
        return out;
    }

    @Override
    public void request(Handle transaction, long caseId, Target target, Opinion opinion, String requestedBy, Instant at,
                        Instant notBefore) {
        BankEntry e = banks.entry(target.entryId()).orElseThrow(() -> Refusal.notFound("no entry " + target.entryId()));
        String source = e.sourceList().startsWith(EXCHANGE) ? e.sourceList() : LIST + e.sourceList();
        transaction.attach(EntryFeedbackDao.class).insert(caseId, target.entryId(), truncate(source, 300),
                opinion.wireName(), requestedBy, at, notBefore);
    }

    @Override
    public int withdraw(Handle transaction, long caseId) {
        return transaction.attach(EntryFeedbackDao.class).withdraw(caseId);
    }

    /** The opinions a case filed and how far each got. */
    public List<EntryFeedbackDao.Row> forCase(long caseId) {
        return jdbi.withExtension(EntryFeedbackDao.class, d -> d.forCase(caseId));
    }

    /** Sends the opinions that are due; returns how many were delivered. Safe on several nodes at once. */
    public int deliverDue() {
        int delivered = 0;
        Instant now = now();
        for (long id : jdbi.withExtension(EntryFeedbackDao.class, d -> d.due(now, 50))) {
            if (jdbi.withExtension(EntryFeedbackDao.class, d -> d.claim(id, now, now.plus(CLAIM))) != 1) continue;
            EntryFeedbackDao.Row row = jdbi.withExtension(EntryFeedbackDao.class, d -> d.find(id)).orElse(null);
            if (row != null && deliver(row)) delivered++;
        }
        return delivered;
    }

    private boolean deliver(EntryFeedbackDao.Row row) {
        String failure;
        try {
            if (row.source().startsWith(EXCHANGE)) {
                exchanges.sendFeedback(row.source().substring(EXCHANGE.length()), row.entryId(), row.opinion());
            } else {
                // the moderator's reason stays here: it may name the person in the picture
                lists.send(row.entryId(), row.opinion(), null, row.requestedBy());
            }
            failure = null;
        } catch (Refusal e) {
            failure = e.getMessage();
        } catch (RuntimeException e) {
            log.warn("event=entry_feedback_failed id={} error={}", row.id(), e.getClass().getSimpleName());
            failure = "internal error: " + e.getClass().getSimpleName();
        }
        Instant now = now();
        String what = "case=" + row.caseId() + " entry=" + row.entryId() + " source=" + row.source() + " opinion="
                + row.opinion();
        if (failure == null) {
            jdbi.useTransaction(h -> {
                if (h.attach(EntryFeedbackDao.class).sent(row.id(), null, now) == 1) {
                    audit.append(h, row.requestedBy(), "entry_feedback_sent", "case:" + row.caseId(),
                            what + " attempts=" + (row.attempts() + 1));
                }
            });
            return true;
        }
        int attempts = row.attempts() + 1;
        String why = truncate(failure, 1000);
        if (attempts >= MAX_ATTEMPTS) {
            jdbi.useTransaction(h -> {
                if (h.attach(EntryFeedbackDao.class).attemptFailed(row.id(), EntryFeedbackDao.FAILED, why, now, now) == 1) {
                    audit.append(h, AuditLog.SYSTEM, "entry_feedback_failed", "case:" + row.caseId(),
                            truncate(what + " attempts=" + attempts + ": " + why, 2000));
                }
            });
        } else {
            jdbi.useExtension(EntryFeedbackDao.class, d -> d.attemptFailed(row.id(), EntryFeedbackDao.PENDING, why,
                    now.plus(wait(attempts)), now));
        }
        return false;
    }

    /** The wait after the {@code attempts}-th failure: the retry setting, doubled each time, at most six hours. */
    Duration wait(int attempts) {
        Duration d = settings.retry();
        for (int i = 1; i < attempts && d.compareTo(MAX_WAIT) < 0; i++) d = d.multipliedBy(2);
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    /** Starts sending (every second: the undo window and the retry wait decide when a row is due). */
    public synchronized void start() {
        if (timer == null) timer = Periodic.every("entry-feedback", Duration.ofSeconds(1), this::deliverDue);
    }

    @Override
    public synchronized void close() {
        Periodic.close(timer);
        timer = null;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
