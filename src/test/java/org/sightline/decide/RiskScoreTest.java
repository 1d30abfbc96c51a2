package org.sightline.decide;

import org.junit.jupiter.api.Test;
import org.sightline.banks.Bank;
import org.sightline.banks.BankKind;
import org.sightline.banks.BankMode;
import org.sightline.banks.BankPolicy;
import org.sightline.banks.BankService;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Pins the risk score's arithmetic with the documented default weights. */
class RiskScoreTest {
    private static final RiskWeights W = RiskWeights.DEFAULTS;

    private static BankService.BankMatch match(long bankId, String bank, BankPolicy policy, SignalType type, int distance,
                                               List<String> labels, boolean observe) {
        Bank b = new Bank(bankId, bank, BankKind.LOCAL, policy, observe ? BankMode.OBSERVE : BankMode.ENFORCE,
                String.join(",", labels), 31, 10, 10, Instant.EPOCH, Instant.EPOCH, null, null);
        return new BankService.BankMatch(new Matcher.Match((int) bankId, bank, 1, type, distance, "original", false, observe),
                b, labels);
    }

    private static RiskScore.Facts facts(List<BankService.BankMatch> matches, Map<Long, String> trust,
                                         Classification c, boolean marked, int reports, AccountHistory.Counts history) {
        return new RiskScore.Facts(null, matches, trust, c, marked, reports, history, "remote.example");
    }

    private static Classification adult(double porn, double hentai) {
        return new Classification(Map.of(), null, List.of(new Classification.Result("local", "nsfwjs-mobilenet-v2", "4.4.0",
                Map.of("porn", porn, "hentai", hentai, "neutral", 1 - porn - hentai), null)));
    }

    @Test
    void a_close_pdq_match_with_a_grave_label_in_a_reject_bank() {
        // 50 × (1 − 0.5 × 8/31) = 43.5 → 44; + 30 grave; + 10 policy = 84
        Risk r = RiskScore.assess(W, facts(List.of(match(1, "grave", BankPolicy.REJECT, SignalType.PDQ, 8,
                List.of("csam"), false)), Map.of(), Classification.NONE, false, 0, AccountHistory.Counts.NONE));
        assertThat(r.reasons()).extracting(Risk.Reason::points, Risk.Reason::text).containsExactly(
                tuple(44, "matched bank grave (pdq distance 8)"), tuple(30, "the match is labelled csam"),
                tuple(10, "bank policy reject"));
        assertThat(r.score()).isEqualTo(84);
    }

    @Test
    void an_exact_digest_from_a_low_trust_list_with_reports_and_history_is_clamped_to_100() {
        // 50 exact + 5 (mark_sensitive: half of 10) − 15 low trust + 30 (3 reports of 4) + 30 (2 cases of 3) + 15 (3 domain cases)
        Risk r = RiskScore.assess(W, facts(List.of(match(7, "shared", BankPolicy.MARK_SENSITIVE, SignalType.SHA256, 0,
                        List.of("spam"), false)), Map.of(7L, "low"), Classification.NONE, false, 4,
                new AccountHistory.Counts(3, 5)));
        assertThat(r.reasons()).extracting(Risk.Reason::points).containsExactly(50, 5, -15, 30, 30, 15);
        assertThat(r.reasons().get(0).text()).isEqualTo("matched bank shared (sha256 exact)");
        assertThat(r.reasons().get(3).text()).isEqualTo("4 user reports (3 count)");
        assertThat(r.reasons().get(4).text()).isEqualTo("3 earlier confirmed cases of this account in the last 90 days");
        assertThat(r.reasons().get(5).text()).isEqualTo("5 confirmed cases of other accounts of remote.example in the last 90 days");
        assertThat(r.score()).isEqualTo(100);
    }

    @Test
    void classifier_scores_count_only_on_posts_not_marked_sensitive() {
        // porn + hentai 0.93 × 30 = 27.9 → 28; one report 10
        Risk unmarked = RiskScore.assess(W, facts(List.of(), Map.of(), adult(0.83, 0.10), false, 1, AccountHistory.Counts.NONE));
        assertThat(unmarked.reasons()).extracting(Risk.Reason::points, Risk.Reason::text).containsExactly(
                tuple(28, "classifier: porn + hentai 0.93 on a post not marked sensitive"), tuple(10, "1 user report"));
        assertThat(unmarked.score()).isEqualTo(38);

        Risk marked = RiskScore.assess(W, facts(List.of(), Map.of(), adult(0.83, 0.10), true, 1, AccountHistory.Counts.NONE));
        assertThat(marked.score()).isEqualTo(10);
    }

    @Test
    void observe_mode_matches_add_nothing_and_unscanned_media_or_a_failed_classifier_add_the_unscanned_points() {
        Risk observed = RiskScore.assess(W, facts(List.of(match(2, "watch", BankPolicy.REJECT, SignalType.PDQ, 0,
                List.of("csam"), true)), Map.of(), Classification.NONE, false, 0, AccountHistory.Counts.NONE));
        assertThat(observed.score()).isZero();
        assertThat(observed.reasons()).isEmpty();

        Risk unscanned = RiskScore.assess(W, new RiskScore.Facts("fetch_failed", List.of(), Map.of(), null, false, 0,
                AccountHistory.Counts.NONE, null));
        assertThat(unscanned.reasons()).extracting(Risk.Reason::points, Risk.Reason::text)
                .containsExactly(tuple(20, "could not be scanned (fetch_failed)"));

        Risk failed = RiskScore.assess(W, facts(List.of(), Map.of(), new Classification(Map.of(), "local: model could not be loaded"),
                false, 0, AccountHistory.Counts.NONE));
        assertThat(failed.score()).isEqualTo(20);
    }

    @Test
    void a_very_long_classifier_error_is_clipped_so_the_reasons_json_fits_its_column_whole() throws Exception {
        Classification failed = new Classification(Map.of(), "x".repeat(5000), List.of());
        Risk r = RiskScore.assess(W, facts(List.of(match(7, "shared", BankPolicy.MARK_SENSITIVE, SignalType.SHA256, 0,
                        List.of("csam"), false)), Map.of(7L, "low"), failed, false, 4, new AccountHistory.Counts(3, 5)));
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String json = mapper.writeValueAsString(r.toJson().get("reasons"));
        assertThat(json.length()).isLessThanOrEqualTo(4000);
        com.fasterxml.jackson.databind.JsonNode parsed = mapper.readTree(json);
        assertThat(parsed).hasSize(r.reasons().size());
        assertThat(r.reasons()).extracting(Risk.Reason::text).anySatisfy(t -> assertThat(t).startsWith("a classifier failed (xxx"));
        for (int i = 0; i < r.reasons().size(); i++) {
            assertThat(parsed.get(i).get("text").asText()).isEqualTo(r.reasons().get(i).text());
            assertThat(parsed.get(i).get("text").asText().length()).isLessThanOrEqualTo(Risk.Reason.MAX_TEXT);
        }
    }

    @Test
    void a_public_post_adds_its_points_and_a_post_of_unknown_or_other_visibility_adds_none() {
        // 15 (one earlier case of the account) + 5 (public) = 20
        RiskScore.Facts pub = new RiskScore.Facts(null, List.of(), Map.of(), Classification.NONE, false, 0,
                new AccountHistory.Counts(1, 0), "remote.example", true);
        Risk r = RiskScore.assess(W, pub);
        assertThat(r.reasons()).extracting(Risk.Reason::points, Risk.Reason::text).containsExactly(
                tuple(15, "1 earlier confirmed case of this account in the last 90 days"), tuple(5, "the post is public"));
        assertThat(r.score()).isEqualTo(20);
        RiskScore.Facts notPublic = new RiskScore.Facts(null, List.of(), Map.of(), Classification.NONE, false, 0,
                new AccountHistory.Counts(1, 0), "remote.example", false);
        assertThat(RiskScore.assess(W, notPublic).score()).isEqualTo(15);
        // the weight is configuration: 0 leaves the reason out
        RiskWeights off = new RiskWeights(50, 30, 10, -15, 30, 10, 15, 5, 20, 90, 0);
        assertThat(RiskScore.assess(off, pub).reasons()).extracting(Risk.Reason::text)
                .doesNotContain("the post is public");
    }
}
