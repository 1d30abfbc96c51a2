package org.sightline.web;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PanelExtensionTest {
    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void times_read_relative_to_now_and_fall_back_to_the_date_beyond_a_week() {
        assertThat(PanelExtension.relative(NOW.minusSeconds(10), NOW)).isEqualTo("just now");
        assertThat(PanelExtension.relative(NOW.minusSeconds(5 * 60), NOW)).isEqualTo("5 min ago");
        assertThat(PanelExtension.relative(NOW.minusSeconds(3 * 3600), NOW)).isEqualTo("3 h ago");
        assertThat(PanelExtension.relative(NOW.minusSeconds(86_400), NOW)).isEqualTo("1 day ago");
        assertThat(PanelExtension.relative(NOW.plusSeconds(3 * 86_400), NOW)).isEqualTo("in 3 days");
        assertThat(PanelExtension.relative(Instant.parse("2026-10-01T08:00:00Z"), NOW)).isEqualTo("2026-10-01");
    }

    @Test
    void domain_words_read_as_plain_words() {
        assertThat(PanelExtension.human("account_silence")).isEqualTo("Silence the account");
        assertThat(PanelExtension.human("hate_symbol")).isEqualTo("Hate symbol");
        assertThat(PanelExtension.human("observe")).isEqualTo("Observe");
        assertThat(PanelExtension.human("some_new_word")).isEqualTo("Some new word");
        assertThat(PanelExtension.human("Already words.")).isEqualTo("Already words.");
        assertThat(PanelExtension.human(null)).isEmpty();
    }
}
