package org.sightline.review;

import org.sightline.actions.ActionQueue;
import org.sightline.federation.ShareProposals;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.common.Refusal;
import org.sightline.banks.BankService;
import org.sightline.banks.Labels;
import org.sightline.access.Role;
import org.sightline.access.User;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The review queue: claims, and the three decisions. A decision, the actions it queues and its audit event
 * commit together; a moderator decides only a case nobody else holds a live claim on.
 */
public final class ReviewService {
    /**
     * Actions a moderator may queue with a confirmation (carried out by the action plug-ins). {@code delete}
     * deletes the post where a plugin can (Pleroma, Misskey); elsewhere it fails with the reason.
     */
    /** Proposing to share the hash with partners: not an action on the instance, but offered beside them. */
    static final String SHARE = "share";
    public static final List<String> ACTIONS = List.of("mark_sensitive", "report", "delete", SHARE, "quarantine",
            "account_sensitive", "account_silence", "account_suspend");

    private final Jdbi jdbi;
    private final BankService banks;
    private final AuditLog audit;
    private final ActionQueue actionQueue;
    private final ShareProposals shares;
    private final Clock clock;
    private final Duration claimFor;
    private final RetractionRevisit undo;

    public ReviewService(Jdbi jdbi, BankService banks, AuditLog audit, ActionQueue actionQueue, ShareProposals shares,
                         Clock clock, Duration claimFor, RetractionRevisit undo) {
        this.jdbi = jdbi;
        this.undo = undo;
        this.actionQueue = actionQueue;
        this.shares = shares;
        this.banks = banks;
        this.audit = audit;
        this.clock = clock;
        this.claimFor = claimFor;
    }

    public Duration claimFor() {
        return claimFor;
    }

    /** Queue filters; empty strings mean "any". */
    public record Filter(String instance, String outcome, String bank, String label, boolean escalated) {
    }

    public List<ReviewCase> queue(Filter f, int limit) {
        ReviewDao dao = jdbi.onDemand(ReviewDao.class);
        CaseState s1 = f.escalated() ? CaseState.ESCALATED : CaseState.OPEN;
        List<ReviewCase> rows = dao.queue(s1, s1, nz(f.instance()), nz(f.outcome()), nz(f.bank()), nz(f.label()), limit);
        List<ReviewCase> out = new ArrayList<>(rows.size());
        for (ReviewCase c : rows) out.add(withMatches(dao, c));
        return out;
    }

    public Optional<ReviewCase> find(long id) {
        ReviewDao dao = jdbi.onDemand(ReviewDao.class);
        return dao.find(id).map(c -> withMatches(dao, c));
    }

    /** Claims the case for a user who may decide it; returns the case as it now stands. */
    public ReviewCase open(long id, User user) {
        ReviewDao dao = jdbi.onDemand(ReviewDao.class);
        ReviewCase c = dao.find(id).orElseThrow(() -> Refusal.notFound("no case " + id));
        if (mayDecide(user, c)) {
            Instant now = now();
            dao.claim(id, user.id(), now, now.plus(claimFor));
        }
        return find(id).orElseThrow();
    }

    /** What was requested for a media item: the actions, and a proposal to share its hash. */
    public List<ActionQueue.Requested> actions(long mediaId) {
        List<ActionQueue.Requested> all = new ArrayList<>(actionQueue.forMedia(mediaId));
        shares.forMedia(mediaId).ifPresent(s -> all.add(new ActionQueue.Requested(SHARE, s.state(), s.requestedBy(),
                s.createdAt(), 0, s.result())));
        return all;
    }

    /** Moderators decide open cases; escalated ones are for admins. Viewers decide nothing. */
    public boolean mayDecide(User user, ReviewCase c) {
        if (c.state() == CaseState.OPEN) return user.can(Role.MODERATOR);
        if (c.state() == CaseState.ESCALATED) return user.can(Role.ADMIN);
        return false;
    }

    public record Confirm(List<String> labels, String addToBank, List<String> actions, String note) {
    }

    public void confirm(long id, User user, Confirm d) {
        List<String> labels;
        try {
            labels = Labels.validate(d.labels());
        } catch (Refusal e) {
            throw Refusal.invalid(e.getMessage());
        }
        if (labels.isEmpty()) throw Refusal.invalid("choose at least one label");
        Set<String> actions = new LinkedHashSet<>();
        for (String a : d.actions()) {
            if (!ACTIONS.contains(a)) throw Refusal.invalid("unknown action '" + a + "'");
            actions.add(a);
        }
        ReviewCase c = decidable(id, user);
        Bank bank = bankFor(d.addToBank(), false, c);
        String detail = "labels=" + String.join(",", labels) + (bank == null ? "" : " bank=" + bank.name())
                + (actions.isEmpty() ? "" : " actions=" + String.join(",", actions)) + note(d.note());
        decide(c, user, CaseState.DECIDED, "confirm", nzTrim(d.note()), new ArrayList<>(actions), labels, detail);
        if (bank != null) {
            List<org.sightline.banks.BankEntry> added = banks.addEntries(bank.name(), List.of(new BankService.NewEntry(
                    "pdq", c.evidence().pdq(), labels, "confirmed in case " + c.id(), null, null)), user.name());
            remember(c, added);
            // an overturned decision retracts what it added (#16)
            jdbi.useExtension(CaseDao.class, dao -> added.forEach(e -> dao.addedEntry(c.id(), e.id(), bank.name())));
        }
    }

    public void dismiss(long id, User user, String reason, String allowBank) {
        String r = required(reason);
        ReviewCase c = decidable(id, user);
        Bank bank = bankFor(allowBank, true, c);
        decide(c, user, CaseState.DECIDED, "dismiss", r, List.of(), List.of(),
                "reason=" + r + (bank == null ? "" : " allow_bank=" + bank.name()));
        if (bank != null) {
            remember(c, banks.addEntries(bank.name(), List.of(new BankService.NewEntry("pdq", c.evidence().pdq(), List.of(),
                    "dismissed in case " + c.id() + ": " + r, null, null)), user.name()));
        }
    }

    public void escalate(long id, User user, String reason) {
        String r = required(reason);
        ReviewCase c = decidable(id, user);
        if (c.state() != CaseState.OPEN) throw Refusal.conflict("case " + id + " is already escalated");
        decide(c, user, CaseState.ESCALATED, "escalate", r, List.of(), List.of(), "reason=" + r);
    }

    /** Keeps the case's media as the reference image of the entries made from it. */
    private void remember(ReviewCase c, List<org.sightline.banks.BankEntry> entries) {
        if (!c.evidence().hasPreview()) return;
        ReviewDao dao = jdbi.onDemand(ReviewDao.class);
        for (org.sightline.banks.BankEntry e : entries) dao.addReference(e.id(), c.mediaId());
    }

    /** The action a rule offered the moderator on this case (e.g. mark_sensitive), if any. */
    public Optional<String> suggestedAction(long caseId) {
        return jdbi.withExtension(CaseDao.class, dao -> dao.suggestedAction(caseId));
    }

    /** The media whose preview shows what an entry looked like, for a side-by-side view. */
    public Optional<Long> referenceOf(long entryId) {
        return jdbi.onDemand(ReviewDao.class).referenceOf(entryId);
    }

    private ReviewCase decidable(long id, User user) {
        ReviewCase c = find(id).orElseThrow(() -> Refusal.notFound("no case " + id));
        if (!user.can(Role.MODERATOR)) throw Refusal.forbidden("viewers cannot decide cases");
        if (!mayDecide(user, c)) {
            throw new Refusal(c.state() == CaseState.DECIDED ? Refusal.Kind.CONFLICT : Refusal.Kind.FORBIDDEN,
                    c.state() == CaseState.DECIDED ? "case " + id + " is already decided"
                            : "escalated cases are decided by admins");
        }
        if (c.claimedByOther(user.id(), now())) {
            throw Refusal.conflict("case " + id + " is claimed by " + c.claimedByName());
        }
        return c;
    }

    private Bank bankFor(String name, boolean allow, ReviewCase c) {
        if (name == null || name.isBlank()) return null;
        Bank b;
        try {
            b = banks.get(name.trim());
        } catch (Refusal e) {
            throw Refusal.invalid(e.getMessage());
        }
        if (b.allow() != allow) {
            throw Refusal.invalid(allow ? "bank '" + b.name() + "' is not an allow-bank"
                    : "bank '" + b.name() + "' is an allow-bank");
        }
        if (c.evidence().pdq() == null) throw Refusal.invalid("this media has no PDQ hash to add to a bank");
        return b;
    }

    private void decide(ReviewCase c, User user, CaseState newState, String decision, String reason,
                        List<String> actions, List<String> labels, String detail) {
        Instant now = now();
        jdbi.useTransaction(h -> {
            ReviewDao dao = h.attach(ReviewDao.class);
            if (dao.decide(c.id(), c.state(), newState, decision, reason, user.name(), user.id(), now) != 1) {
                throw Refusal.conflict("case " + c.id() + " changed meanwhile; reload it");
            }
            for (String a : actions) {
                // account_suspend etc. are one plugin action with the type as its parameter
                if (a.startsWith("account_")) {
                    actionQueue.request(h, c.mediaId(), c.id(), "account_action",
                            "{\"type\":\"" + a.substring("account_".length()) + "\"}", user.name(), now, labels);
                } else if (a.equals(SHARE)) {
                    // other moderators approve; they publish the hash with the labels chosen here
                    shares.propose(h, c.mediaId(), c.id(), labels, user.name(), now);
                } else {
                    actionQueue.request(h, c.mediaId(), c.id(), a, null, user.name(), now, labels);
                }
            }
            audit.append(h, user.name(), decision, "case:" + c.id(), detail);
            if (decision.equals("dismiss")) {
                // a dismissal withdraws what Sightline did on its own: the same undo as a retraction's (#16)
                List<String> fates = undo.undoAutomatic(h, c.id(), c.mediaId(), "the case was dismissed by "
                        + user.name(), user.name(), now);
                if (!fates.isEmpty()) {
                    h.attach(CaseDao.class).note(c.id(), clip("dismissed; automatic actions: " + String.join("; ", fates)),
                            user.name(), now);
                }
            }
        });
    }

    private ReviewCase withMatches(ReviewDao dao, ReviewCase c) {
        Set<String> labels = new LinkedHashSet<>();
        for (String l : dao.labelsOf(c.mediaId())) labels.addAll(Labels.split(l));
        List<String> bankNames = dao.banksOf(c.mediaId());
        return new ReviewCase(c.id(), c.mediaId(), c.state(), c.priority(), c.reason(), c.autoOutcome(), c.createdAt(),
                c.claimedBy(), c.claimedByName(), c.claimedUntil(), c.decision(), c.decisionReason(), c.decidedBy(),
                c.decidedAt(), c.evidence().withMatches(String.join(",", labels), String.join(",", bankNames)));
    }

    /** The bank entries a confirmation of the case added, as {bank, entry id} (retracted when overturned). */
    public List<CaseDao.AddedEntry> entriesAddedBy(long caseId) {
        return jdbi.withExtension(CaseDao.class, dao -> dao.addedEntries(caseId));
    }

    private static String clip(String s) {
        return s.length() > 2000 ? s.substring(0, 1997) + "..." : s;
    }

    private static String required(String reason) {
        String r = nzTrim(reason);
        if (r.isEmpty()) throw Refusal.invalid("a reason is required");
        if (r.length() > 2000) throw Refusal.invalid("the reason is too long (2000 characters at most)");
        return r;
    }

    private static String note(String note) {
        String n = nzTrim(note);
        return n.isEmpty() ? "" : " note=" + n;
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }

    private static String nzTrim(String s) {
        return s == null ? "" : s.trim();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
