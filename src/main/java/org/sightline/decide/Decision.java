package org.sightline.decide;

import org.sightline.banks.BankPolicy;
import org.sightline.banks.BankService;
import org.sightline.banks.Label;

import java.util.List;

/**
 * What to do with one media item, from its scan outcome and its matches.
 *
 * @param decision    {@code pass}, {@code review}, or the automatic outcome of the strictest matching policy
 *                    ({@code mark_sensitive}, {@code report}, {@code reject})
 * @param openCase    whether a moderator should see it (every match, and everything that could not be scanned)
 * @param priority    queue order: stronger and graver matches and reports first
 * @param reason      one line for the queue
 * @param suggested   an action offered to the moderator, never taken without one ({@code mark_sensitive} for
 *                    possibly unmarked adult content); null: none
 */
public record Decision(Outcome decision, boolean openCase, int priority, String reason, Outcome suggested) {

    public static final int REPORT_BOOST = 20;
    /** The priority of a case opened by the adult-content rule alone: below every match and report. */
    public static final int UNMARKED_ADULT_PRIORITY = 10;
    public static final String UNMARKED_ADULT = "possibly unmarked adult content";

    public Decision(Outcome decision, boolean openCase, int priority, String reason) {
        this(decision, openCase, priority, reason, null);
    }

    /** Media that could not be scanned goes to review with the reason: fail closed. */
    public static Decision unscanned(String outcome, String reason, int reportCount) {
        return new Decision(Outcome.REVIEW, true, 40 + REPORT_BOOST * reportCount, outcome + ": " + reason);
    }

    /** A scanned item: enforce-mode matches decide; observe-mode matches are only recorded. */
    public static Decision scanned(List<BankService.BankMatch> matches, int reportCount) {
        BankPolicy strictest = null;
        int strength = 0;
        BankService.BankMatch strongest = null;
        for (BankService.BankMatch m : matches) {
            if (m.match().observe()) continue;
            BankPolicy policy = m.bank().policy();
            if (strictest == null || policy.compareTo(strictest) > 0) strictest = policy; // declared mildest first
            int s = score(m);
            if (s > strength) {
                strength = s;
                strongest = m;
            }
        }
        if (strictest == null) return new Decision(Outcome.PASS, false, 0, "no match");
        String reason = "matched bank " + strongest.bank().name() + " (" + strongest.match().signalType().wireName()
                + " distance " + strongest.match().distance() + ")";
        return new Decision(Outcome.of(strictest), true, strength + REPORT_BOOST * reportCount, reason);
    }

    /** Closer matches and grave labels score higher. */
    private static int score(BankService.BankMatch m) {
        int threshold = Math.max(1, m.bank().pdqThreshold());
        int closeness = switch (m.match().signalType()) {
            case MD5, SHA256 -> 100;
            case PDQ -> 100 - 50 * Math.min(m.match().distance(), threshold) / threshold;
            default -> 80 - 4 * m.match().distance();
        };
        return closeness + (Label.anyGrave(m.labels()) ? 100 : 0);
    }

    /** Adds what the scanner plugins said: a flag or a failure sends a passing item to review. */
    public Decision with(Classification c) {
        if (c == null || (c.flagged().isEmpty() && c.error() == null)) return this;
        int boost = c.error() != null ? 40 : (int) Math.round(100 * c.strongest());
        if (decision == Outcome.PASS) return new Decision(Outcome.REVIEW, true, boost, c.summary(), suggested);
        return new Decision(decision, openCase, priority + boost, reason + "; " + c.summary(), suggested);
    }

    /**
     * The adult-content rule: classifier scores never act alone. Combined porn + hentai at or over
     * {@code threshold} on a post its author did not mark sensitive opens a low-priority review case whose
     * suggested action is {@code mark_sensitive}, or raises an existing case by as much; a post already
     * marked sensitive (or a threshold over 2, which no score reaches) is left alone.
     */
    public Decision withAdultRule(Classification c, boolean markedSensitive, double threshold) {
        if (c == null || markedSensitive || c.error() != null) return this;
        double adult = c.adultScore();
        if (adult < threshold) return this;
        String why = String.format(java.util.Locale.ROOT, "%s (porn + hentai %.2f)", UNMARKED_ADULT, adult);
        if (decision == Outcome.PASS) {
            return new Decision(Outcome.REVIEW, true, UNMARKED_ADULT_PRIORITY, why, Outcome.MARK_SENSITIVE);
        }
        return new Decision(decision, openCase, priority + UNMARKED_ADULT_PRIORITY, reason + "; " + why,
                suggested != null ? suggested : decision.automatic() ? null : Outcome.MARK_SENSITIVE);
    }

    /**
     * Holds an automatic outcome back (to review) unless a local bank asked for it, or the subscribed lists
     * behind it pass the trust rule: one publisher trusted {@code high}, or {@code quorum} lists of publishers
     * trusted {@code normal} or more. {@code trustBySubscribedBank} names the subscribed banks among the matches.
     */
    public Decision withQuorum(List<BankService.BankMatch> matches, java.util.Map<Long, String> trustBySubscribedBank,
                               int quorum) {
        if (!automatic()) return this;
        java.util.Set<Long> counting = new java.util.HashSet<>();
        for (BankService.BankMatch m : matches) {
            if (m.match().observe() || m.bank().policy() == BankPolicy.REVIEW) continue;
            String trust = trustBySubscribedBank.get(m.bank().id());
            if (trust == null || trust.equals("high")) return this; // a local bank, or a fully trusted publisher
            if (trust.equals("normal")) counting.add(m.bank().id());
        }
        if (counting.size() >= quorum) return this;
        return new Decision(Outcome.REVIEW, true, priority, reason + "; automatic " + decision + " held for review: "
                + counting.size() + " of " + quorum + " trusted lists carry it", suggested);
    }

    /** The automatic outcome held back for a moderator, saying why (a moderator can still act on the case). */
    public Decision heldForReview(String why) {
        if (!automatic()) return this;
        return new Decision(Outcome.REVIEW, true, priority, reason + "; automatic " + decision + " held for review: " + why);
    }

    public boolean automatic() {
        return decision.automatic();
    }
}
