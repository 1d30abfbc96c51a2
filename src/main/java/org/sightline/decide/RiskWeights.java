package org.sightline.decide;

import org.sightline.config.Config;
import org.sightline.config.Setting;

import java.util.List;

/**
 * How much each signal adds to the risk score (0–100). The defaults put a close match in a bank of grave
 * content at the top of the queue, and classifier scores and history below any match.
 */
public record RiskWeights(int match, int graveLabel, int automaticPolicy, int lowTrust, int classifier, int report,
                          int accountCase, int domainCase, int unscanned, int historyDays, int publicPost) {

    public static final Setting<Integer> MATCH = Setting.integer("risk.match_points", 50,
            "points for a bank match at distance 0 (exact digests too), falling linearly to half at the bank's threshold");
    public static final Setting<Integer> GRAVE_LABEL = Setting.integer("risk.grave_label_points", 30,
            "points when a match carries a grave label (csam, ncii, terrorism)");
    public static final Setting<Integer> AUTOMATIC_POLICY = Setting.integer("risk.policy_points", 10,
            "points when the matching bank's policy is report or reject (half for mark_sensitive)");
    public static final Setting<Integer> LOW_TRUST = Setting.integer("risk.low_trust_points", -15,
            "points (negative) when the strongest match comes from a list whose publisher is trusted low");
    public static final Setting<Integer> CLASSIFIER = Setting.integer("risk.classifier_points", 30,
            "points at classifier score 1 (porn + hentai on a post not marked sensitive, or a scanner plugin's flag), scaled by the score");
    public static final Setting<Integer> REPORT = Setting.integer("risk.report_points", 10,
            "points per user report (three at most)");
    public static final Setting<Integer> ACCOUNT_CASE = Setting.integer("risk.account_case_points", 15,
            "points per earlier confirmed case of the same account within risk.history_days (two at most)");
    public static final Setting<Integer> DOMAIN_CASE = Setting.integer("risk.domain_case_points", 5,
            "points per confirmed case of other accounts of the same remote domain within risk.history_days (three at most)");
    public static final Setting<Integer> UNSCANNED = Setting.integer("risk.unscanned_points", 20,
            "points when the media could not be scanned or a classifier failed (it is reviewed unseen by the machine)");
    public static final Setting<Integer> HISTORY_DAYS = Setting.integer("risk.history_days", 90,
            "how far back the account history counts, in days");
    public static final Setting<Integer> PUBLIC_POST = Setting.integer("risk.public_post_points", 5,
            "points when the post is public (Mastodon or Misskey visibility public: on the public timelines, seen by anyone)");
    public static final List<Setting<?>> KEYS = List.of(MATCH, GRAVE_LABEL, AUTOMATIC_POLICY, LOW_TRUST, CLASSIFIER,
            REPORT, ACCOUNT_CASE, DOMAIN_CASE, UNSCANNED, HISTORY_DAYS, PUBLIC_POST);

    public static final RiskWeights DEFAULTS = new RiskWeights(50, 30, 10, -15, 30, 10, 15, 5, 20, 90, 5);

    public static RiskWeights from(Config config) {
        return new RiskWeights(MATCH.from(config), GRAVE_LABEL.from(config), AUTOMATIC_POLICY.from(config),
                LOW_TRUST.from(config), CLASSIFIER.from(config), REPORT.from(config), ACCOUNT_CASE.from(config),
                DOMAIN_CASE.from(config), UNSCANNED.from(config), HISTORY_DAYS.from(config), PUBLIC_POST.from(config));
    }
}
