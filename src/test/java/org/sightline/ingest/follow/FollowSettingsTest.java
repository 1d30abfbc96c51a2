package org.sightline.ingest.follow;

import org.junit.jupiter.api.Test;
import org.sightline.config.Config;
import org.sightline.config.ConfigException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Follow settings that could not work are refused at start, naming the key. */
class FollowSettingsTest {

    @Test
    void the_defaults_are_accepted() {
        FollowSettings s = FollowSettings.from(Config.defaults());
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.check()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void a_zero_or_negative_interval_is_refused_naming_its_key() {
        for (String key : new String[]{"follow.check_ms", "follow.lease_s", "follow.idle_s", "follow.backoff_min_ms",
                "follow.backoff_max_s"}) {
            assertThatThrownBy(() -> FollowSettings.from(Config.defaults().with(key, 0)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(key).hasMessageContaining("positive");
            assertThatThrownBy(() -> FollowSettings.from(Config.defaults().with(key, -5)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(key);
        }
    }

    @Test
    void a_lease_no_longer_than_the_check_interval_is_refused() {
        assertThatThrownBy(() -> FollowSettings.from(Config.defaults().with("follow.lease_s", 10)
                .with("follow.check_ms", 10_000)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("follow.lease_s").hasMessageContaining("follow.check_ms");
        assertThat(FollowSettings.from(Config.defaults().with("follow.lease_s", 11).with("follow.check_ms", 10_000))
                .lease()).isEqualTo(Duration.ofSeconds(11));
    }

    @Test
    void a_longest_backoff_below_the_first_is_refused() {
        assertThatThrownBy(() -> FollowSettings.from(Config.defaults().with("follow.backoff_min_ms", 5_000)
                .with("follow.backoff_max_s", 4)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("follow.backoff_max_s")
                .hasMessageContaining("follow.backoff_min_ms");
        assertThat(FollowSettings.from(Config.defaults().with("follow.backoff_min_ms", 4_000)
                .with("follow.backoff_max_s", 4)).backoffMax()).isEqualTo(Duration.ofSeconds(4));
    }
}
