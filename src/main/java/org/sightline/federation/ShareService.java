package org.sightline.federation;

import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.BankKind;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.banks.Labels;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.common.Refusal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Proposals to share a confirmed case's hash: moderators other than the proposer approve; once enough have, the
 * hash goes into the share bank, whose list log publishes it (through {@link PublishService}'s entry hook).
 */
public final class ShareService {
    private final Jdbi jdbi;
    private final BankService banks;
    private final PublishService lists;
    private final AuditLog audit;
    private final Clock clock;
    private final int approvalsNeeded;
    private final String shareBank;

    /**
     * @param approvalsNeeded distinct approvers besides the proposer (1 or 2)
     * @param shareBank       the local bank shared hashes go to; null: the bank of the first published list
     */
    public ShareService(Jdbi jdbi, BankService banks, PublishService lists, AuditLog audit, Clock clock,
                        int approvalsNeeded, String shareBank) {
        if (approvalsNeeded < 1 || approvalsNeeded > 2) {
            throw new IllegalArgumentException("lists.share_approvals must be 1 or 2, got " + approvalsNeeded);
        }
        this.jdbi = jdbi;
        this.banks = banks;
        this.lists = lists;
        this.audit = audit;
        this.clock = clock;
        this.approvalsNeeded = approvalsNeeded;
        this.shareBank = shareBank == null || shareBank.isBlank() ? null : shareBank.trim();
    }

    /** A pending proposal with what the approvers need to see. */
    public record Proposal(ShareDao.ShareRequest request, List<String> labels, List<String> approvers) {
    }

    public int approvalsNeeded() {
        return approvalsNeeded;
    }

    public List<Proposal> pending() {
        List<Proposal> out = new ArrayList<>();
        ShareDao dao = jdbi.onDemand(ShareDao.class);
        for (ShareDao.ShareRequest r : dao.pending()) out.add(new Proposal(r, labels(r), dao.approvers(r.id())));
        return out;
    }

    /** The bank shared hashes go to, or an error that says how to configure one. */
    public Bank targetBank() {
        Bank b;
        if (shareBank != null) {
            try {
                b = banks.get(shareBank);
            } catch (RuntimeException e) {
                throw new Refusal(Refusal.Kind.CONFLICT, "no_share_bank", "lists.share_bank names bank '" + shareBank + "', which does not exist");
            }
        } else {
            List<ListDao.PublishedList> published = lists.list();
            if (published.isEmpty()) {
                throw new Refusal(Refusal.Kind.CONFLICT, "no_share_bank", "Nothing is published yet: publish a local bank as a list"
                        + " (POST /api/v1/lists) or set lists.share_bank before approving shares.");
            }
            long bankId = published.get(0).bankId();
            b = banks.cached(bankId).orElseThrow(() -> new IllegalStateException("bank " + bankId + " missing"));
        }
        if (b.kind() != BankKind.LOCAL) {
            throw new Refusal(Refusal.Kind.CONFLICT, "no_share_bank", "the share bank '" + b.name() + "' must be a local bank, not " + b.kind());
        }
        return b;
    }

    /** What an approval did: the entry when it completed the approvals, else how many are still missing. */
    public record Approved(BankEntry entry, Bank bank, int missing) {
    }

    public Approved approve(long id, User user) {
        if (!user.can(Role.MODERATOR)) throw Refusal.forbidden("viewers cannot approve shares");
        ShareDao.ShareRequest r = pendingRequest(id);
        if (user.name().equals(r.requestedBy())) {
            throw new Refusal(Refusal.Kind.FORBIDDEN, "own_proposal", "you proposed this share: another moderator has to approve it");
        }
        if (r.pdq() == null) throw new Refusal(Refusal.Kind.CONFLICT, "no_hash", "this media has no PDQ hash to share");
        // resolved first so that a missing bank refuses the approval instead of leaving it half done
        Bank bank = targetBank();
        Instant now = clock.instant();
        int count = jdbi.inTransaction(h -> {
            ShareDao d = h.attach(ShareDao.class);
            if (d.approve(id, user.name(), now) != 1) {
                throw new Refusal(Refusal.Kind.CONFLICT, "already_approved", "you already approved this share");
            }
            int n = d.approvers(id).size();
            // ending the request here (conditionally) makes sure only one approver publishes it
            if (n >= approvalsNeeded && d.finish(id, "done", "publishing to bank " + bank.name(), now) != 1) {
                throw new Refusal(Refusal.Kind.CONFLICT, "already_ended", "share " + id + " was ended meanwhile; reload the page");
            }
            audit.append(h, user.name(), "share_approve", "share:" + id,
                    "case=" + r.caseId() + " approvals=" + n + "/" + approvalsNeeded);
            return n;
        });
        if (count < approvalsNeeded) return new Approved(null, bank, approvalsNeeded - count);
        List<String> approvers = jdbi.withExtension(ShareDao.class, d -> d.approvers(id));
        String note = "shared from case " + r.caseId() + ", approved by " + String.join(" and ", approvers);
        try {
            BankEntry e = banks.addEntries(bank.name(), List.of(new BankService.NewEntry("pdq", r.pdq(), labels(r),
                    note, null, null)), r.requestedBy()).get(0);
            jdbi.useExtension(ShareDao.class, d -> d.setResult(id, "done",
                    "published in bank " + bank.name() + " as entry " + e.id(), clock.instant()));
            audit.append(user.name(), "share_publish", "share:" + id, "bank=" + bank.name() + " entry=" + e.id());
            return new Approved(e, bank, 0);
        } catch (RuntimeException e) {
            jdbi.useExtension(ShareDao.class, d -> d.setResult(id, "failed",
                    truncate("approved, but adding to bank " + bank.name() + " failed: " + e.getMessage()), clock.instant()));
            audit.append(user.name(), "share_failed", "share:" + id, truncate(String.valueOf(e.getMessage())));
            throw new Refusal(Refusal.Kind.CONFLICT, "share_failed", "approved, but the hash could not be added to bank "
                    + bank.name() + ": " + e.getMessage());
        }
    }

    public void reject(long id, User user, String reason) {
        if (!user.can(Role.MODERATOR)) throw Refusal.forbidden("viewers cannot reject shares");
        if (reason == null || reason.isBlank()) throw Refusal.invalid("give a reason for the rejection");
        String why = truncate(reason.trim());
        ShareDao.ShareRequest r = pendingRequest(id);
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            if (h.attach(ShareDao.class).finish(id, "failed", truncate("rejected by " + user.name() + ": " + why), now) != 1) {
                throw new Refusal(Refusal.Kind.CONFLICT, "already_ended", "share " + id + " was ended meanwhile; reload the page");
            }
            audit.append(h, user.name(), "share_reject", "share:" + id, "case=" + r.caseId() + " reason=" + why);
        });
    }

    public ShareDao.ShareRequest find(long id) {
        return jdbi.withExtension(ShareDao.class, d -> d.find(id))
                .orElseThrow(() -> Refusal.notFound("no share request " + id));
    }

    private ShareDao.ShareRequest pendingRequest(long id) {
        ShareDao.ShareRequest r = find(id);
        if (!"pending".equals(r.state())) throw new Refusal(Refusal.Kind.CONFLICT, "already_ended", "share " + id + " is already " + r.state());
        return r;
    }

    /** The labels the confirming moderator chose. */
    private static List<String> labels(ShareDao.ShareRequest r) {
        return Labels.split(r.labels());
    }

    private static String truncate(String s) {
        return s.length() > 900 ? s.substring(0, 900) : s;
    }
}
