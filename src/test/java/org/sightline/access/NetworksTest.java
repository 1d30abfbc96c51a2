package org.sightline.access;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CIDR blocks: the edges of a block, IPv6 with brackets and zones, and what is refused. */
class NetworksTest {
    @Test
    void an_ipv4_block_holds_its_last_address_and_not_the_next_one() {
        Networks n = Networks.parse("172.16.0.0/12");
        assertThat(n.contains("172.16.0.0")).isTrue();
        assertThat(n.contains("172.31.255.255")).isTrue();
        assertThat(n.contains("172.32.0.0")).isFalse();
        assertThat(n.contains("172.15.255.255")).isFalse();
    }

    @Test
    void an_ipv6_block_holds_addresses_with_brackets_and_zones() {
        Networks n = Networks.parse("fd00::/8");
        assertThat(n.contains("fd12::1")).isTrue();
        assertThat(n.contains("[fd12::1%eth0]")).isTrue();
        assertThat(n.contains("fe80::1")).isFalse();
        assertThat(n.contains("10.0.0.1")).isFalse();
    }

    @Test
    void a_bad_prefix_length_or_a_name_is_refused_naming_the_block() {
        assertThatThrownBy(() -> Networks.parse("10.0.0.0/8, 10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> Networks.parse("example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("example.com");
    }

    @Test
    void no_blocks_hold_nothing() {
        assertThat(Networks.none().contains("127.0.0.1")).isFalse();
        assertThat(Networks.parse("").contains("127.0.0.1")).isFalse();
    }
}
