package org.sightline.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.sightline.banks.BankKind;
import org.sightline.banks.BankMode;
import org.sightline.banks.BankPolicy;
import org.sightline.banks.Label;
import org.sightline.common.Refusal;
import org.sightline.decide.Outcome;
import org.sightline.ingest.ScanOutcome;
import org.sightline.instances.InstanceKind;
import org.sightline.review.CaseState;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainWordsTest {

    @Test
    void each_word_prints_and_serialises_as_its_wire_name_and_parses_back() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.writeValueAsString(Map.of("decision", Outcome.MARK_SENSITIVE, "outcome", ScanOutcome.FETCH_FAILED)))
                .contains("\"decision\":\"mark_sensitive\"").contains("\"outcome\":\"fetch_failed\"");
        assertThat(InstanceKind.PICTRS + "/" + BankKind.SUBSCRIBED + "/" + BankMode.OBSERVE + "/" + CaseState.ESCALATED
                + "/" + Label.HATE_SYMBOL).isEqualTo("pictrs/subscribed/observe/escalated/hate_symbol");
        for (InstanceKind k : InstanceKind.values()) assertThat(InstanceKind.parse(k.wireName())).isSameAs(k);
        for (BankKind k : BankKind.values()) assertThat(BankKind.parse(k.wireName())).isSameAs(k);
        for (BankPolicy p : BankPolicy.values()) assertThat(BankPolicy.parse(" " + p.wireName().toUpperCase() + " ")).isSameAs(p);
        for (BankMode m : BankMode.values()) assertThat(BankMode.parse(m.wireName())).isSameAs(m);
        for (CaseState s : CaseState.values()) assertThat(CaseState.parse(s.wireName())).isSameAs(s);
        for (ScanOutcome o : ScanOutcome.values()) assertThat(ScanOutcome.parse(o.wireName())).isSameAs(o);
        for (Outcome o : Outcome.values()) assertThat(Outcome.parse(o.wireName())).isSameAs(o);
        for (Label l : Label.values()) assertThat(Label.parse(l.wireName())).isSameAs(l);
    }

    @Test
    void unknown_words_are_refused_with_the_allowed_values() {
        assertThatThrownBy(() -> InstanceKind.parse("lemmy")).isInstanceOf(Refusal.class)
                .hasMessage("kind must be one of mastodon, misskey, pleroma, pictrs, generic");
        assertThatThrownBy(() -> BankPolicy.parse("ban")).isInstanceOf(Refusal.class)
                .hasMessage("policy must be one of review, mark_sensitive, report, reject, got 'ban'");
        assertThatThrownBy(() -> BankMode.parse(null)).isInstanceOf(Refusal.class)
                .hasMessage("mode must be one of enforce, observe, got 'null'");
        assertThatThrownBy(() -> BankKind.parse("remote")).isInstanceOf(Refusal.class)
                .hasMessage("kind must be one of local, subscribed, allow, got 'remote'");
        assertThatThrownBy(() -> Outcome.parse("delete")).isInstanceOf(Refusal.class)
                .hasMessage("decision must be one of pass, review, mark_sensitive, report, reject, got 'delete'");
        assertThatThrownBy(() -> ScanOutcome.parse("ok")).isInstanceOf(Refusal.class)
                .hasMessageContaining("scanned, unsupported, too_large, fetch_failed, gone, decode_failed");
        assertThatThrownBy(() -> CaseState.parse("closed")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("case state must be one of open, escalated, decided, got 'closed'");
        assertThatThrownBy(() -> Label.parse("nsfw")).isInstanceOf(Refusal.class)
                .hasMessage("unknown label 'nsfw' (expected one of " + String.join(", ", List.of("csam", "ncii",
                        "terrorism", "graphic_violence", "hate_symbol", "sexual", "spam", "privacy", "copyright",
                        "other")) + ")");
    }

    @Test
    void a_bank_policy_asks_for_the_outcome_of_the_same_name_and_only_review_is_not_automatic() {
        for (BankPolicy p : BankPolicy.values()) {
            assertThat(Outcome.of(p).wireName()).isEqualTo(p.wireName());
            assertThat(Outcome.of(p).automatic()).isEqualTo(p != BankPolicy.REVIEW);
        }
        assertThat(Arrays.stream(Outcome.values()).filter(Outcome::automatic)).containsExactly(Outcome.MARK_SENSITIVE,
                Outcome.REPORT, Outcome.REJECT);
    }
}
