package org.sightline.decide;

import org.sightline.banks.BankPolicy;
import org.sightline.banks.BankService;
import org.sightline.banks.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The arithmetic of the risk score: every signal's points, with the words that explain them. */
public final class RiskScore {
    static final int MAX_REPORTS = 3, MAX_ACCOUNT_CASES = 2, MAX_DOMAIN_CASES = 3;

    private RiskScore() {
    }

    /**
     * What is known of one media item when it is decided; {@code publicPost}: its post is public (visible to anyone
     * on the public timelines), as far as the source said.
     */
    public record Facts(String unscannedOutcome, List<BankService.BankMatch> matches, Map<Long, String> trustBySubscribedBank,
                        Classification classification, boolean markedSensitive, int reportCount,
                        AccountHistory.Counts history, String domain, boolean publicPost) {
        /** A post whose visibility is not known (or not public). */
        public Facts(String unscannedOutcome, List<BankService.BankMatch> matches, Map<Long, String> trustBySubscribedBank,
                     Classification classification, boolean markedSensitive, int reportCount,
                     AccountHistory.Counts history, String domain) {
            this(unscannedOutcome, matches, trustBySubscribedBank, classification, markedSensitive, reportCount,
                    history, domain, false);
        }
    }

    public static Risk assess(RiskWeights w, Facts f) {
        List<Risk.Reason> reasons = new ArrayList<>();
        if (f.unscannedOutcome() != null) {
            reasons.add(new Risk.Reason(w.unscanned(), "could not be scanned (" + f.unscannedOutcome() + ")"));
        }
        matches(w, f, reasons);
        classifier(w, f, reasons);
        int reports = Math.min(f.reportCount(), MAX_REPORTS);
        if (reports > 0) {
            reasons.add(new Risk.Reason(reports * w.report(), f.reportCount() + " user report" + (f.reportCount() == 1 ? "" : "s")
                    + (f.reportCount() > MAX_REPORTS ? " (" + MAX_REPORTS + " count)" : "")));
        }
        AccountHistory.Counts h = f.history() == null ? AccountHistory.Counts.NONE : f.history();
        if (h.account() > 0) {
            reasons.add(new Risk.Reason(Math.min(h.account(), MAX_ACCOUNT_CASES) * w.accountCase(), h.account()
                    + " earlier confirmed case" + (h.account() == 1 ? "" : "s") + " of this account in the last "
                    + w.historyDays() + " days"));
        }
        if (h.domain() > 0) {
            reasons.add(new Risk.Reason(Math.min(h.domain(), MAX_DOMAIN_CASES) * w.domainCase(), h.domain()
                    + " confirmed case" + (h.domain() == 1 ? "" : "s") + " of other accounts of " + f.domain()
                    + " in the last " + w.historyDays() + " days"));
        }
        // harm reaches further on the public timelines; 0 points (the setting) leaves the reason out
        if (f.publicPost() && w.publicPost() != 0) reasons.add(new Risk.Reason(w.publicPost(), "the post is public"));
        return Risk.of(reasons);
    }

    private static void matches(RiskWeights w, Facts f, List<Risk.Reason> reasons) {
        BankService.BankMatch strongest = null;
        double best = -1;
        BankPolicy strictest = null;
        String grave = null;
        for (BankService.BankMatch m : f.matches()) {
            if (m.match().observe()) continue;
            double c = closeness(m);
            if (c > best) {
                best = c;
                strongest = m;
            }
            if (strictest == null || m.bank().policy().compareTo(strictest) > 0) strictest = m.bank().policy();
            if (grave == null && Label.anyGrave(m.labels())) {
                grave = m.labels().stream().filter(l -> Label.anyGrave(List.of(l))).findFirst().orElse(null);
            }
        }
        if (strongest == null) return;
        var match = strongest.match();
        reasons.add(new Risk.Reason((int) Math.round(w.match() * best), "matched bank " + strongest.bank().name() + " ("
                + match.signalType().wireName() + (match.distance() > 0 || isPerceptual(strongest)
                ? " distance " + match.distance() : " exact") + ")"));
        if (grave != null) reasons.add(new Risk.Reason(w.graveLabel(), "the match is labelled " + grave));
        if (strictest == BankPolicy.REPORT || strictest == BankPolicy.REJECT) {
            reasons.add(new Risk.Reason(w.automaticPolicy(), "bank policy " + strictest.wireName()));
        } else if (strictest == BankPolicy.MARK_SENSITIVE) {
            reasons.add(new Risk.Reason(w.automaticPolicy() / 2, "bank policy " + strictest.wireName()));
        }
        String trust = f.trustBySubscribedBank() == null ? null : f.trustBySubscribedBank().get(strongest.bank().id());
        if ("low".equals(trust)) {
            reasons.add(new Risk.Reason(w.lowTrust(), "the list behind " + strongest.bank().name() + " is trusted low"));
        }
    }

    private static boolean isPerceptual(BankService.BankMatch m) {
        return switch (m.match().signalType()) {
            case MD5, SHA256 -> false;
            default -> true;
        };
    }

    /** 1 for exact digests and distance 0, falling linearly to 0.5 at the bank's threshold. */
    static double closeness(BankService.BankMatch m) {
        int d = m.match().distance();
        int threshold = switch (m.match().signalType()) {
            case MD5, SHA256 -> 0;
            case PDQ -> m.bank().pdqThreshold();
            case PHASH -> m.bank().phashThreshold();
            case DHASH -> m.bank().dhashThreshold();
            default -> 0;
        };
        if (threshold <= 0) return 1;
        return 1 - 0.5 * Math.min(d, threshold) / threshold;
    }

    private static void classifier(RiskWeights w, Facts f, List<Risk.Reason> reasons) {
        Classification c = f.classification();
        if (c == null) return;
        if (c.error() != null) {
            reasons.add(new Risk.Reason(w.unscanned(), "a classifier failed (" + c.error() + ")"));
            return;
        }
        double adult = f.markedSensitive() ? 0 : Math.min(1, c.adultScore());
        double flagged = c.strongest();
        if (adult <= 0 && flagged <= 0) return;
        if (adult >= flagged) {
            reasons.add(new Risk.Reason((int) Math.round(w.classifier() * adult), String.format(Locale.ROOT,
                    "classifier: porn + hentai %.2f on a post not marked sensitive", adult)));
        } else {
            reasons.add(new Risk.Reason((int) Math.round(w.classifier() * flagged), c.summary()));
        }
    }
}
