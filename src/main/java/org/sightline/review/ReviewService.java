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
public final class ReviewService implements AutoCloseable {
    /**
     * Actions a moderator may queue with a confirmation (carried out by the action plug-ins). {@code delete}
     * deletes the post where a plugin can (Pleroma, Misskey); elsewhere it fails with the reason.
     */
    /** Proposing to share the hash with partners: not an action on the instance, but offered beside them. */
    static final String SHARE = "share";
    private static final String DISMISS = "dismiss";
    public static final List<String> ACTIONS = List.of("mark_sensitive", "report", "delete", SHARE, "quarantine",
            "account_sensitive", "account_silence", "account_suspend");

    private final Jdbi jdbi;
    private final org.sightline.ingest.MediaCatalog media;
    private final BankService banks;
    private final AuditLog audit;
    private final ActionQueue actionQueue;
    private final ShareProposals shares;
    private final Clock clock;
    private final Duration claimFor;
    private final Duration undoWindow;
    private final RetractionRevisit undo;
    private final EntryFeedback feedback;
    private org.sightline.store.Periodic releaser;


    /**
     * {@code undoWindow}: how long a moderator's decision is held (nothing irreversible sent) and can be undone
     * ({@code panel.undo_seconds}); zero carries decisions out at once. {@code undo}: what reverses the automatic
     * actions of a dismissed case (the same undo as a retraction's and an overturned appeal's).
     */
    public ReviewService(Jdbi jdbi, BankService banks, AuditLog audit, ActionQueue actionQueue, ShareProposals shares,
                         Clock clock, Duration claimFor, Duration undoWindow, RetractionRevisit undo) {
        this(jdbi, banks, audit, actionQueue, shares, clock, claimFor, undoWindow, undo, EntryFeedback.NONE);
    }

    /** {@code feedback}: where a dismissal's opinion on a shared entry goes (the share stage's door). */
    public ReviewService(Jdbi jdbi, BankService banks, AuditLog audit, ActionQueue actionQueue, ShareProposals shares,
                         Clock clock, Duration claimFor, Duration undoWindow, RetractionRevisit undo,
                         EntryFeedback feedback) {
        this.feedback = feedback;
        this.undoWindow = undoWindow;
        this.undo = undo;
        this.jdbi = jdbi;
        this.media = new org.sightline.ingest.MediaCatalog(jdbi);
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

    /** One action a moderator may choose, and why it cannot work for this media (null: it can). */
    public record Choice(String action, String unavailable) {
    }

    /** Why the case's actions may fail although offered (its instance's token scopes are not known), if so. */
    public java.util.Optional<String> tokenWarning(ReviewCase c) {
        return actionQueue == null ? java.util.Optional.empty() : actionQueue.tokenWarning(c.mediaId());
    }

    /**
     * The actions offered on a case: every choice, with the reason those that cannot work for its media are not
     * offered (instance kind, plugin, token, scope; sharing needs a PDQ hash).
     */
    public List<Choice> choices(ReviewCase c) {
        List<String> onInstance = ACTIONS.stream().filter(a -> !a.equals(SHARE)).toList();
        List<Choice> out = new ArrayList<>();
        actionQueue.unavailable(c.mediaId(), onInstance).forEach((a, why) -> out.add(new Choice(a, why)));
        out.add(new Choice(SHARE, c.evidence().pdq() == null ? "this media has no PDQ hash to share" : null));
        return out;
    }

    /** Tries a failed action of a case once more, now; audited in the same transaction. */
    public void retry(long caseId, User user, String action) {
        if (!user.can(Role.MODERATOR)) throw Refusal.forbidden("viewers cannot retry actions");
        ReviewCase c = find(caseId).orElseThrow(() -> Refusal.notFound("no case " + caseId));
        jdbi.useTransaction(h -> {
            if (!actionQueue.retry(h, c.mediaId(), action, now())) {
                throw Refusal.conflict("case " + caseId + " has no failed '" + action + "' to retry");
            }
            audit.append(h, user.name(), "action_retry", "case:" + caseId, "action=" + action);
        });
    }

    /** Moderators decide open cases; escalated ones are for admins. Viewers decide nothing. */
    public boolean mayDecide(User user, ReviewCase c) {
        if (c.state() == CaseState.OPEN) return user.can(Role.MODERATOR);
        if (c.state() == CaseState.ESCALATED) return user.can(Role.ADMIN);
        return false;
    }

    /** {@code forward}: a report about a remote account also goes to its server (Mastodon's {@code forward}). */
    public record Confirm(List<String> labels, String addToBank, List<String> actions, String note, boolean forward) {
        public Confirm(List<String> labels, String addToBank, List<String> actions, String note) {
            this(labels, addToBank, actions, note, false);
        }
    }

    /** The author's server when the post's account is remote ({@code user@domain}), for a forwarded report. */
    public static Optional<String> remoteDomain(ReviewCase c) {
        String acct = c.evidence().acct();
        int at = acct == null ? -1 : acct.lastIndexOf('@');
        return at <= 0 || at == acct.length() - 1 ? Optional.empty() : Optional.of(acct.substring(at + 1));
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
        if (d.forward() && !actions.contains("report")) throw Refusal.invalid("forward goes with a report: choose report too");
        if (d.forward() && remoteDomain(c).isEmpty()) {
            throw Refusal.invalid("only a report about a remote account can be forwarded (this post's author is local)");
        }
        Bank bank = bankFor(d.addToBank(), false, c);
        String detail = "labels=" + String.join(",", labels) + (bank == null ? "" : " bank=" + bank.name())
                + (actions.isEmpty() ? "" : " actions=" + String.join(",", actions))
                + (d.forward() ? " forward=" + remoteDomain(c).orElseThrow() : "") + note(d.note());
        decide(c, user, CaseState.DECIDED, "confirm", nzTrim(d.note()), new ArrayList<>(actions), labels, detail,
                bank, labels, "confirmed in case " + c.id(), d.forward());
    }

    public void dismiss(long id, User user, String reason, String allowBank) {
        dismiss(id, user, reason, allowBank, null);
    }

    /**
     * Dismisses a case; {@code entryOpinion} ({@code false_positive}, {@code disputed}, or null/{@code none})
     * goes, durably, to where the entries its matches rest on came from: a subscribed list's publisher, StopNCII,
     * NCMEC. Refused when no such entry takes an opinion.
     */
    public void dismiss(long id, User user, String reason, String allowBank, String entryOpinion) {
        String r = required(reason);
        EntryFeedback.Opinion opinion;
        try {
            opinion = EntryFeedback.Opinion.parse(entryOpinion).orElse(null);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
        ReviewCase c = decidable(id, user);
        Bank bank = bankFor(allowBank, true, c);
        List<EntryFeedback.Target> told = List.of();
        if (opinion != null) {
            List<EntryFeedback.Target> targets = feedbackTargets(c);
            told = targets.stream().filter(EntryFeedback.Target::accepts).toList();
            if (told.isEmpty()) {
                throw Refusal.invalid(targets.isEmpty()
                        ? "no match of this case rests on an entry from a subscribed list or an exchange"
                        : "no source of this case's entries takes an opinion: " + String.join("; ",
                        targets.stream().map(t -> t.source() + ": " + t.unavailable()).toList()));
            }
        }
        List<EntryFeedback.Target> opinionOn = told;
        decide(c, user, CaseState.DECIDED, DISMISS, r, List.of(), List.of(),
                "reason=" + r + (bank == null ? "" : " allow_bank=" + bank.name())
                        + (opinion == null ? "" : " entry_opinion=" + opinion.wireName() + " entries="
                        + String.join(",", opinionOn.stream().map(t -> String.valueOf(t.entryId())).toList())),
                bank, List.of(), truncate("dismissed in case " + c.id() + ": " + r, 2000), false,
                (h, notBefore) -> {
                    for (EntryFeedback.Target t : opinionOn) {
                        feedback.request(h, c.id(), t, opinion, user.name(), now(), notBefore);
                    }
                });
    }

    /** The entries of a case's matches that came from a subscribed list or an exchange, and whether each takes an opinion. */
    public List<EntryFeedback.Target> feedbackTargets(ReviewCase c) {
        return feedback.targets(jdbi.onDemand(ReviewDao.class).entriesOf(c.mediaId()));
    }

    public void escalate(long id, User user, String reason) {
        String r = required(reason);
        ReviewCase c = decidable(id, user);
        if (c.state() != CaseState.OPEN) throw Refusal.conflict("case " + id + " is already escalated");
        decide(c, user, CaseState.ESCALATED, "escalate", r, List.of(), List.of(), "reason=" + r, null, List.of(), null, false);
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
        if (bankEntries(c, List.of(), null).isEmpty()) {
            throw Refusal.invalid("this media has no PDQ or vPDQ hash to add to a bank");
        }
        return b;
    }

    /**
     * Records a decision with its action requests, share proposal and audit event in one transaction, and a hold
     * row saying what it does. With an undo window the actions wait (not before the window's end), and the bank
     * add and share proposal are made by {@link #releaseDue()} once it passes; without one they are made at once.
     */
    /** {@code forward}: the report action goes to the remote author's server too. */
    private void decide(ReviewCase c, User user, CaseState newState, String decision, String reason,
                        List<String> actions, List<String> labels, String detail, Bank bank, List<String> entryLabels,
                        String entryNote, boolean forward) {
        decide(c, user, newState, decision, reason, actions, labels, detail, bank, entryLabels, entryNote, forward,
                (h, notBefore) -> {
                });
    }

    /** {@code alsoInTransaction}: what else the decision files, given when its undo window ends. */
    private void decide(ReviewCase c, User user, CaseState newState, String decision, String reason,
                        List<String> actions, List<String> labels, String detail, Bank bank, List<String> entryLabels,
                        String entryNote, boolean forward,
                        java.util.function.BiConsumer<org.jdbi.v3.core.Handle, Instant> alsoInTransaction) {
        Instant now = now();
        boolean held = !(undoWindow.isZero() || undoWindow.isNegative());
        Instant notBefore = now.plus(undoWindow);
        boolean share = actions.contains(SHARE);
        long holdId = jdbi.inTransaction(h -> {
            ReviewDao dao = h.attach(ReviewDao.class);
            if (dao.decide(c.id(), c.state(), newState, decision, reason, user.name(), user.id(), now) != 1) {
                throw Refusal.conflict("case " + c.id() + " changed meanwhile; reload it");
            }
            List<String> requested = new ArrayList<>();
            for (String a : actions) {
                if (a.equals(SHARE)) continue;
                // account_suspend etc. are one plugin action with the type as its parameter
                boolean account = a.startsWith("account_");
                String action = account ? "account_action" : a;
                String params = account ? "{\"type\":\"" + a.substring("account_".length()) + "\"}"
                        : forward && a.equals("report") ? "{\"forward\":\"true\"}" : null;
                int made = held ? actionQueue.requestNotBefore(h, c.mediaId(), c.id(), action, params, user.name(), now,
                        notBefore, labels) : actionQueue.request(h, c.mediaId(), c.id(), action, params, user.name(), now,
                        labels);
                if (made == 1) requested.add(a);
            }
            if (share && !held) {
                // other moderators approve; they publish the hash with the labels chosen here
                shares.propose(h, c.mediaId(), c.id(), labels, user.name(), now);
            }
            HoldDao holds = h.attach(HoldDao.class);
            holds.insert(new HoldDao.Hold(0, c.id(), decision, user.name(), String.join(",", requested),
                    bank == null ? null : bank.name(), Labels.join(entryLabels), entryNote,
                    share ? Labels.join(labels) : null, c.state(), c.decision(), c.decisionReason(), c.decidedBy(),
                    c.decidedAt(), notBefore, held ? HoldDao.HELD : HoldDao.RELEASED, null, now));
            audit.append(h, user.name(), decision, "case:" + c.id(), detail
                    + (held ? " undo_until=" + notBefore.truncatedTo(ChronoUnit.SECONDS) : ""));
            alsoInTransaction.accept(h, held ? notBefore : now);
            if (decision.equals(DISMISS)) {
                // undos are sent only once the dismissal can no longer be undone (releaseIn)
                if (held) undo.postponeAutomatic(h, c.mediaId(), notBefore);
                else undoAutomatic(h, c.id(), c.mediaId(), user.name(), now);
            }
            return holds.latest(c.id()).orElseThrow().id();
        });
        if (!held && bank != null) addToBank(holdId, c.id(), bank.name(), user.name(), entryLabels, entryNote, false);
    }

    /**
     * Adds the case's hash to the decision's bank, with the entries' reference media; when {@code release}, the
     * hold is ended (and the share proposal made) in the same transaction, so a release happens exactly once.
     */
    private void addToBank(long holdId, long caseId, String bank, String by, List<String> entryLabels, String note,
                           boolean release) {
        ReviewCase c = find(caseId).orElseThrow();
        HoldDao.Hold hold = jdbi.withExtension(HoldDao.class, d -> d.find(holdId)).orElseThrow();
        banks.applyAtomically(bank, bankEntries(c, entryLabels, note), List.of(), by, (h, added) -> {
            if (release) releaseIn(h, hold, c);
            // an overturned decision retracts what it added (#16)
            CaseDao cases = h.attach(CaseDao.class);
            for (org.sightline.banks.BankEntry e : added) cases.addedEntry(caseId, e.id(), bank);
            if (c.evidence().hasPreview()) {
                ReviewDao dao = h.attach(ReviewDao.class);
                for (org.sightline.banks.BankEntry e : added) dao.addReference(e.id(), c.mediaId());
            }
        });
    }

    /** What of the case's media goes into a bank: its PDQ hash, or a video's vPDQ frames and video_md5. */
    private List<BankService.NewEntry> bankEntries(ReviewCase c, List<String> labels, String note) {
        if (c.evidence().pdq() != null) {
            return List.of(new BankService.NewEntry("pdq", c.evidence().pdq(), labels, note, null, null));
        }
        return media.video(c.mediaId()).map(v -> List.of(
                new BankService.NewEntry("vpdq", v.vpdq(), labels, note, null, null),
                new BankService.NewEntry("video_md5", v.videoMd5(), labels, note, null, null))).orElse(List.of());
    }

    /** Ends a hold as released and makes its share proposal; a hold undone or released meanwhile rolls back. */
    private void releaseIn(org.jdbi.v3.core.Handle h, HoldDao.Hold hold, ReviewCase c) {
        if (h.attach(HoldDao.class).end(hold.id(), HoldDao.RELEASED, null, now()) != 1) throw new AlreadyEnded();
        if (hold.decision().equals(DISMISS)) undoAutomatic(h, c.id(), c.mediaId(), hold.decidedBy(), now());
        if (hold.shareLabels() != null) {
            shares.propose(h, c.mediaId(), c.id(), Labels.split(hold.shareLabels()), hold.decidedBy(), now());
        }
    }

    /** A dismissal withdraws what Sightline did on its own: the same undo as a retraction's (#16), noted on the case. */
    private void undoAutomatic(org.jdbi.v3.core.Handle h, long caseId, long mediaId, String by, Instant at) {
        List<String> fates = undo.undoAutomatic(h, caseId, mediaId, "the case was dismissed by " + by, by, at);
        if (!fates.isEmpty()) {
            h.attach(CaseDao.class).note(caseId, truncate("dismissed; automatic actions: " + String.join("; ", fates),
                    2000), by, at);
        }
    }

    /** Thrown inside a release's transaction when another node (or an undo) ended the hold first. */
    private static final class AlreadyEnded extends RuntimeException {
        AlreadyEnded() {
            super(null, null, false, false);
        }
    }

    /**
     * Carries out the held decisions whose undo window has passed (their actions are already due by themselves):
     * the bank add and share proposal. Run every second by {@link #start()}; safe on several nodes at once.
     */
    public int releaseDue() {
        int released = 0;
        for (long id : jdbi.withExtension(HoldDao.class, d -> d.due(now(), 100))) {
            HoldDao.Hold hold = jdbi.withExtension(HoldDao.class, d -> d.find(id)).orElseThrow();
            try {
                if (hold.bank() != null) {
                    addToBank(hold.id(), hold.caseId(), hold.bank(), hold.decidedBy(), Labels.split(hold.entryLabels()),
                            hold.entryNote(), true);
                } else {
                    ReviewCase c = find(hold.caseId()).orElseThrow();
                    jdbi.useTransaction(h -> releaseIn(h, hold, c));
                }
                released++;
            } catch (AlreadyEnded e) {
                // undone, or released by another node: nothing to do
            } catch (Refusal e) {
                // the bank was archived or removed meanwhile: the decision stands, the add is reported
                jdbi.useTransaction(h -> {
                    if (h.attach(HoldDao.class).end(hold.id(), HoldDao.FAILED, truncate(e.getMessage(), 1000), now()) == 1) {
                        audit.append(h, AuditLog.SYSTEM, "decision_release_failed", "case:" + hold.caseId(),
                                "bank=" + hold.bank() + ": " + e.getMessage());
                    }
                });
            }
        }
        return released;
    }

    /** Starts releasing held decisions (with an undo window; without one nothing is ever held). */
    public synchronized void start() {
        if (releaser != null || undoWindow.isZero() || undoWindow.isNegative()) return;
        releaser = org.sightline.store.Periodic.start("decision-release", Duration.ZERO, Duration.ofSeconds(1),
                this::releaseDue);
    }

    @Override
    public synchronized void close() {
        org.sightline.store.Periodic.close(releaser);
        releaser = null;
    }

    /** The bank entries a confirmation of the case added, as {bank, entry id} (retracted when overturned). */
    public List<CaseDao.AddedEntry> entriesAddedBy(long caseId) {
        return jdbi.withExtension(CaseDao.class, dao -> dao.addedEntries(caseId));
    }


    /** The undo window of the panel's decisions. */
    public Duration undoWindow() {
        return undoWindow;
    }

    /**
     * Undoes a decision inside its window: withdraws its waiting action requests, drops its bank add and share
     * proposal, puts the case back in the queue as it was, audited, all in one transaction. Only its decider (or
     * an admin) may; refused once anything of it may have been sent.
     */
    public void undo(long caseId, User user) {
        Instant now = now();
        jdbi.useTransaction(h -> {
            HoldDao holds = h.attach(HoldDao.class);
            HoldDao.Hold hold = holds.latest(caseId).filter(x -> !HoldDao.UNDONE.equals(x.state()))
                    .orElseThrow(() -> Refusal.conflict("case " + caseId + " has no decision to undo"));
            if (!hold.decidedBy().equals(user.name()) && !user.can(Role.ADMIN)) {
                throw Refusal.forbidden("only " + hold.decidedBy() + " or an admin can undo this decision");
            }
            if (!HoldDao.HELD.equals(hold.state()) || !hold.notBefore().isAfter(now)) {
                throw Refusal.conflict("the decision on case " + caseId + " can no longer be undone: its window"
                        + " has passed and it is being carried out");
            }
            if (holds.end(hold.id(), HoldDao.UNDONE, "undone by " + user.name(), now) != 1) {
                throw Refusal.conflict("case " + caseId + " changed meanwhile; reload it");
            }
            long mediaId = find(caseId).orElseThrow().mediaId();
            for (String a : hold.actions().isEmpty() ? List.<String>of() : List.of(hold.actions().split(","))) {
                String action = a.startsWith("account_") ? "account_action" : a;
                if (!actionQueue.withdraw(h, mediaId, action)) {
                    throw Refusal.conflict("the decision on case " + caseId + " can no longer be undone: " + a
                            + " is already under way");
                }
            }
            if (holds.undecide(hold, now) != 1) throw Refusal.conflict("case " + caseId + " changed meanwhile; reload it");
            // the window holds the opinions back as it holds the actions: nothing of them has left
            int opinions = hold.decision().equals(DISMISS) ? feedback.withdraw(h, caseId) : 0;
            audit.append(h, user.name(), "undo", "case:" + caseId, "decision=" + hold.decision()
                    + (hold.actions().isEmpty() ? "" : " withdrawn=" + hold.actions())
                    + (hold.bank() == null ? "" : " not_added_to=" + hold.bank())
                    + (hold.shareLabels() == null ? "" : " share_not_proposed")
                    + (opinions == 0 ? "" : " opinions_withdrawn=" + opinions));
        });
    }

    /** What the panel says after a decision, and whether (and how long) it can still be undone by {@code user}. */
    public record Notice(long caseId, String text, boolean undoable, long secondsLeft) {
    }

    public Optional<Notice> notice(long caseId, User user) {
        ReviewCase c = find(caseId).orElse(null);
        if (c == null) return Optional.empty();
        HoldDao.Hold hold = jdbi.withExtension(HoldDao.class, d -> d.latest(caseId)).orElse(null);
        if (hold == null) return Optional.empty();
        if (HoldDao.UNDONE.equals(hold.state())) {
            return Optional.of(new Notice(caseId, "Case " + caseId + ": the " + hold.decision()
                    + " was undone; the case is back in the queue.", false, 0));
        }
        Instant now = now();
        boolean undoable = HoldDao.HELD.equals(hold.state()) && hold.notBefore().isAfter(now)
                && (hold.decidedBy().equals(user.name()) || user.can(Role.ADMIN));
        String where = jdbi.withExtension(HoldDao.class, d -> d.instanceUrl(caseId)).map(ReviewService::host)
                .orElse(c.evidence().instanceName() == null ? "the instance" : c.evidence().instanceName());
        List<String> done = new ArrayList<>();
        for (String a : hold.actions().isEmpty() ? List.<String>of() : List.of(hold.actions().split(","))) {
            done.add(switch (a) {
                case "report" -> "reported to " + where;
                case "mark_sensitive" -> "marked sensitive on " + where;
                case "delete" -> "post deleted on " + where;
                case "quarantine" -> "evidence quarantined";
                case "account_sensitive" -> "account marked sensitive on " + where;
                case "account_silence" -> "account silenced on " + where;
                case "account_suspend" -> "account suspended on " + where;
                default -> a.replace('_', ' ');
            });
        }
        if (hold.bank() != null) done.add("hash added to " + hold.bank());
        if (hold.shareLabels() != null) done.add("proposed for sharing");
        String verb = switch (hold.decision()) {
            case "confirm" -> "confirmed";
            case "dismiss" -> "dismissed";
            case "escalate" -> "escalated to an admin";
            default -> hold.decision();
        };
        String text = "Case " + caseId + " " + verb + (done.isEmpty() ? "." : ": " + String.join(", ", done) + ".");
        if (HoldDao.FAILED.equals(hold.state())) text += " The bank add failed: " + hold.result();
        long left = undoable ? Math.max(1, Duration.between(now, hold.notBefore()).toSeconds()) : 0;
        return Optional.of(new Notice(caseId, text, undoable, left));
    }

    /** The host of the instance a case's media came from ("social.example"), if it came from one. */
    public Optional<String> instanceHost(long caseId) {
        return jdbi.withExtension(HoldDao.class, d -> d.instanceUrl(caseId)).map(ReviewService::host);
    }

    private static String host(String url) {
        try {
            String h = java.net.URI.create(url).getHost();
            return h == null ? url : h;
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private ReviewCase withMatches(ReviewDao dao, ReviewCase c) {
        Set<String> labels = new LinkedHashSet<>();
        for (String l : dao.labelsOf(c.mediaId())) labels.addAll(Labels.split(l));
        List<String> bankNames = dao.banksOf(c.mediaId());
        return new ReviewCase(c.id(), c.mediaId(), c.state(), c.priority(), c.reason(), c.autoOutcome(), c.createdAt(),
                c.claimedBy(), c.claimedByName(), c.claimedUntil(), c.decision(), c.decisionReason(), c.decidedBy(),
                c.decidedAt(), c.evidence().withMatches(String.join(",", labels), String.join(",", bankNames)));
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
