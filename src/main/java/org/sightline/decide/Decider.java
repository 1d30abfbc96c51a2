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

    private final DecideSettings settings;
    private final RiskWeights weights;
    private final AccountHistory history;

    /**
     * {@code settings}: the combined porn + hentai at which an unmarked post opens a review case, per instance;
     * {@code weights} and {@code history}: the risk score's weights and the authors' earlier cases.
     */
    public Decider(ListTrust trust, DecideSettings settings, RiskWeights weights, AccountHistory history) {
        this.trust = trust;
        this.settings = settings;
        this.weights = weights;
        this.history = history;
    }

    /** Who posted the media, for the account history (each part may be null). */
    public record Author(Long instanceId, String accountId, String acct) {
    }

    /**
     * The explained risk score of one media item: its matches, classifications on a post not marked sensitive,
     * reports, and the author's confirmed cases (and their remote domain's) in the last {@code risk.history_days}.
     * {@code unscannedOutcome}: why it could not be scanned (null when it was).
     */
    public Risk risk(String unscannedOutcome, List<BankService.BankMatch> matches, Classification classification,
                     boolean markedSensitive, int reportCount, Author author, long mediaId, java.time.Instant now) {
        return risk(unscannedOutcome, matches, classification, markedSensitive, reportCount, author, mediaId, now, false);
    }

    /** The same, for a post known to be public or not ({@code publicPost}: counted by {@code risk.public_post_points}). */
    public Risk risk(String unscannedOutcome, List<BankService.BankMatch> matches, Classification classification,
                     boolean markedSensitive, int reportCount, Author author, long mediaId, java.time.Instant now,
                     boolean publicPost) {
        AccountHistory.Counts counts = AccountHistory.Counts.NONE;
        if (author != null && (author.accountId() != null || author.acct() != null)) {
            counts = history.confirmedSince(author.instanceId(), author.accountId(), author.acct(), mediaId,
                    now.minus(java.time.Duration.ofDays(weights.historyDays())));
        }
        java.util.Map<Long, String> trusts = matches.isEmpty() ? java.util.Map.of()
                : trust.forBanks(matches.stream().map(m -> m.bank().id()).collect(Collectors.toSet()));
        return RiskScore.assess(weights, new RiskScore.Facts(unscannedOutcome, matches, trusts, classification,
                markedSensitive, reportCount, counts, author == null ? null : AccountHistory.domainOf(author.acct()),
                publicPost));
    }

    /** Media that could not be scanned (too large, broken, unreachable): always reviewed. */
    public Decision unscanned(String outcome, String reason, int reportCount) {
        return Decision.unscanned(outcome, reason, reportCount);
    }

    /**
     * A scanned item: its matches and classification; an automatic action needs the lists' quorum. For a post
     * whose author did or did not mark it sensitive (Mastodon {@code sensitive} or a content warning, Misskey
     * {@code isSensitive}), classifier scores alone only ever open a review case, at the threshold set for its
     * instance ({@code instanceName}; null: not from an instance).
     */
    public Decision scanned(List<BankService.BankMatch> matches, Classification classification, int reportCount,
                            boolean markedSensitive, String instanceName) {
        Decision d = Decision.scanned(matches, reportCount).with(classification)
                .withAdultRule(classification, markedSensitive, settings.adultThresholdFor(instanceName));
        if (!d.automatic()) return d;
        return d.withQuorum(matches, trust.forBanks(matches.stream().map(m -> m.bank().id())
                .collect(Collectors.toSet())), trust.quorum());
    }
}
