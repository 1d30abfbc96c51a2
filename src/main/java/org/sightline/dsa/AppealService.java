package org.sightline.dsa;

import org.jdbi.v3.core.Jdbi;
import org.sightline.actions.ActionQueue;
import org.sightline.audit.AuditLog;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.review.CaseDao;
import org.sightline.review.CaseIntake;
import org.sightline.review.RetractionRevisit;
import org.sightline.review.ReviewService;
import org.sightline.store.RateCounter;
import org.sightline.store.Sql;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Appeals (DSA Art. 20): the person's answer to a statement, sent from its public page, decided by someone other
 * than whoever took the original decision. Overturning undoes: every restriction of the media item is reversed where
 * the platform can (the same durable {@code undo_<action>} work items a retraction files, through
 * {@link RetractionRevisit#undo}), what cannot be reversed is named, and the bank entries the decision added are
 * retracted (and so leave any list publishing them).
 */
public final class AppealService {
    /** The longest appeal text accepted. */
    public static final int MAX_TEXT = 5000;
    /** The actions that restrict the person (those a statement is written for). */
    static final Set<String> RESTRICTIONS = Set.of("mark_sensitive", "delete", "reject", "quarantine", "account_action");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Jdbi jdbi;
    private final StatementService statements;
    private final ActionQueue actions;
    private final RetractionRevisit undo;
    private final ReviewService review;
    private final BankService banks;
    private final AuditLog audit;
    private final Clock clock;
    private final RateCounter perToken;
    private final RateCounter perAddress;

    public AppealService(Jdbi jdbi, StatementService statements, ActionQueue actions, RetractionRevisit undo,
                         ReviewService review, BankService banks, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.statements = statements;
        this.actions = actions;
        this.undo = undo;
        this.review = review;
        this.banks = banks;
        this.audit = audit;
        this.clock = clock;
        DsaSettings limits = statements.settings();
        this.perToken = new RateCounter(jdbi, "appeal_link", limits.appealsPerHourPerToken(), Duration.ofHours(1));
        this.perAddress = new RateCounter(jdbi, "appeal_address", limits.appealsPerHourPerAddress(),
                Duration.ofHours(1));
    }

    /**
     * The public page's limits per link and per client address, counted in the database so that they hold across
     * nodes; false when either is exceeded (then nothing may be read or written for the request).
     */
    public boolean admit(String token, String clientAddress) {
        Instant now = now();
        return perAddress.admit(clientAddress, now) && perToken.admit(token, now);
    }

    /** What the public page shows for a link: the statement, and the appeal if one was sent. */
    public record Link(Statement statement, Optional<Appeal> appeal, boolean expired) {
    }

    /** The statement a link names; unknown tokens are not found (the same answer for every wrong token). */
    public Link link(String token) {
        Statement s = statements.byToken(token).orElseThrow(() -> Refusal.notFound("this appeal link is not valid"));
        Optional<Appeal> a = jdbi.withExtension(StatementDao.class, d -> d.appealOf(s.id()));
        return new Link(s, a, now().isAfter(s.appealDeadline()));
    }

    /** Files the appeal of the statement a link names: one per statement, within its deadline, bounded text. */
    public Appeal submit(String token, String text) {
        Link link = link(token);
        String body = text == null ? "" : text.strip();
        if (body.isEmpty()) throw Refusal.invalid("write what you want reviewed");
        if (body.length() > MAX_TEXT) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "the appeal is too long (" + MAX_TEXT + " characters at most)");
        }
        if (link.expired()) throw Refusal.forbidden("the time to appeal this decision has passed");
        if (link.appeal().isPresent()) throw Refusal.conflict("this decision has already been appealed");
        Instant now = now();
        try {
            return jdbi.inTransaction(h -> {
                StatementDao dao = h.attach(StatementDao.class);
                long id = dao.insertAppeal(link.statement().id(), body, now);
                // the text is the person's; the audit log names the appeal, not what it says
                audit.append(h, "appellant", "appeal_receive", "statement:" + link.statement().puid(), "appeal=" + id);
                return dao.appeal(id).orElseThrow();
            });
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) throw Refusal.conflict("this decision has already been appealed");
            throw e;
        }
    }

    public List<Appeal> list(String state, int limit) {
        String s = state == null ? "" : state.trim();
        if (!s.isEmpty() && !Set.of(Appeal.OPEN, Appeal.UPHELD, Appeal.OVERTURNED).contains(s)) {
            throw Refusal.invalid("state must be open, upheld or overturned");
        }
        return jdbi.withExtension(StatementDao.class, d -> d.appeals(s, limit));
    }

    public Appeal get(long id) {
        return jdbi.withExtension(StatementDao.class, d -> d.appeal(id))
                .orElseThrow(() -> Refusal.notFound("no appeal " + id));
    }

    public Statement statementOf(Appeal a) {
        return jdbi.withExtension(StatementDao.class, d -> d.byId(a.statementId())).orElseThrow();
    }

    /**
     * Decides an open appeal: {@code upheld} keeps everything; {@code overturned} undoes the restrictions and
     * retracts the bank entries the decision added. The decider may not be the original decider.
     */
    public Appeal decide(long id, String decider, String outcome, String reason) {
        if (!Appeal.UPHELD.equals(outcome) && !Appeal.OVERTURNED.equals(outcome)) {
            throw Refusal.invalid("outcome must be upheld or overturned");
        }
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) throw Refusal.invalid("a reason is required");
        if (why.length() > 2000) throw Refusal.invalid("the reason is too long (2000 characters at most)");
        Appeal appeal = get(id);
        if (!Appeal.OPEN.equals(appeal.state())) throw Refusal.conflict("appeal " + id + " is already decided");
        Statement s = statementOf(appeal);
        if (!CaseIntake.AUTOMATIC.equals(s.decidedBy()) && s.decidedBy().equals(decider)) {
            throw Refusal.forbidden("an appeal is decided by someone other than " + decider
                    + ", who took the original decision");
        }
        Instant now = now();
        List<CaseDao.AddedEntry> entries = s.caseId() == null || !Appeal.OVERTURNED.equals(outcome) ? List.of()
                : review.entriesAddedBy(s.caseId());
        jdbi.useTransaction(h -> {
            StatementDao dao = h.attach(StatementDao.class);
            String summary = null;
            if (Appeal.OVERTURNED.equals(outcome)) {
                List<ActionQueue.Requested> all = actions.forMedia(h, s.mediaId());
                List<ActionQueue.Requested> restrictions = all.stream()
                        .filter(r -> RESTRICTIONS.contains(r.action()) && !r.action().equals("quarantine")).toList();
                List<String> fates = new ArrayList<>(undo.undo(h, s.caseId(), s.mediaId(), restrictions,
                        "the decision was overturned on appeal", "appeal " + id + " overturned", decider, now));
                // quarantined evidence is not on the instance: it goes with its retention (quarantine.retention_days)
                all.stream().filter(r -> r.action().equals("quarantine")).findFirst().ifPresent(q -> fates.add(
                        "quarantine (" + q.state() + "): the evidence is released when quarantine.retention_days runs out"));
                for (CaseDao.AddedEntry e : entries) fates.add("bank " + e.bankName() + " entry " + e.entryId() + ": retracted");
                summary = StatementService.clip(String.join("; ", fates), 2000);
                for (Statement other : dao.forMedia(s.mediaId())) dao.outcome(other.id(), Appeal.OVERTURNED);
            } else {
                dao.outcome(s.id(), Appeal.UPHELD);
            }
            // the person is told the outcome: on the appeal page, and through Mastodon as a moderation warning
            String kind = h.createQuery("SELECT i.kind FROM media_overview m JOIN instances i ON i.id = m.instance_id"
                    + " WHERE m.id = :id").bind("id", s.mediaId()).mapTo(String.class).findOne().orElse(null);
            String told;
            if ("mastodon".equals(kind)) {
                String text = "Your appeal of moderation decision " + s.puid() + " (" + StatementService.restriction(
                        s.action(), s.actionType()) + ") was reviewed: " + (Appeal.OVERTURNED.equals(outcome)
                        ? "the decision was overturned and what could be undone has been undone" : "the decision was upheld")
                        + ". Reason: " + why;
                String params;
                try {
                    params = JSON.writeValueAsString(java.util.Map.of("text", StatementService.clip(text, 1500)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                told = actions.request(h, s.mediaId(), s.caseId(), "notify", params, decider, now) == 1
                        ? "told through Mastodon (moderation warning) and on the appeal page"
                        : "told on the appeal page (the account was already sent a message about this post)";
            } else {
                told = "told on the appeal page (" + (kind == null ? "no instance" : kind) + " offers no message for it)";
            }
            summary = StatementService.clip((summary == null ? "" : summary + "; ") + told, 2000);
            if (dao.decideAppeal(id, outcome, decider, now, why, summary) != 1) {
                throw Refusal.conflict("appeal " + id + " changed meanwhile; reload it");
            }
            audit.append(h, decider, "appeal_" + outcome, "statement:" + s.puid(), "appeal=" + id + " reason=" + why
                    + (summary == null ? "" : " undo: " + summary));
        });
        // after the decision commits: the entries leave their banks (and published lists) in the bank's own transaction
        for (CaseDao.AddedEntry e : entries) {
            try {
                banks.retract(e.bankName(), e.entryId(), decider);
            } catch (Refusal alreadyGone) {
                // retracted meanwhile, or its bank removed: nothing left to withdraw
            }
        }
        return get(id);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
