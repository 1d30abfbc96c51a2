package org.sightline.decide;

import org.sightline.banks.BankService;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place where a media item's outcome is decided: bank policies and matches, allow-bank vetoes (already
 * applied by the match), scanner classifications, reports, and the trust quorum over subscribed lists. Fails
 * closed: media that could not be scanned go to review.
 */
public final class Decider {
    private final ListTrust trust;

    public Decider(ListTrust trust) {
        this.trust = trust;
    }

    /** Media that could not be scanned (too large, broken, unreachable): always reviewed. */
    public Decision unscanned(String outcome, String reason, int reportCount) {
        return Decision.unscanned(outcome, reason, reportCount);
    }

    /** A scanned item: its matches and classification; an automatic action needs the lists' quorum. */
    public Decision scanned(List<BankService.BankMatch> matches, Classification classification, int reportCount) {
        Decision d = Decision.scanned(matches, reportCount).with(classification);
        if (!d.automatic()) return d;
        return d.withQuorum(matches, trust.forBanks(matches.stream().map(m -> m.bank().id())
                .collect(Collectors.toSet())), trust.quorum());
    }
}
