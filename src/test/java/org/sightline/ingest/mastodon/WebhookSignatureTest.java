package org.sightline.ingest.mastodon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sightline.ingest.mastodon.MastodonFixtures.SECRET;

class WebhookSignatureTest {
    private final byte[] body = MastodonFixtures.statusCreatedBody();
    private final String header = MastodonFixtures.statusCreatedSignature();

    @Test
    void accepts_the_fixture_body_with_the_fixture_secret() {
        assertThat(body).hasSize(4082);
        assertThat(WebhookSignature.verify(SECRET, body, header)).isTrue();
    }

    @Test
    void computes_the_same_header_as_mastodon() {
        assertThat(WebhookSignature.sign(SECRET, body)).isEqualTo(header);
    }

    @Test
    void rejects_the_fixture_with_any_other_secret() {
        for (String other : new String[]{"fixture-webhook-secret-012345678", "fixture-webhook-secret-01234567890",
                "Fixture-webhook-secret-0123456789", "x", " " + SECRET}) {
            assertThat(WebhookSignature.verify(other, body, header)).as(other).isFalse();
        }
    }

    @Test
    void rejects_signature_over_a_changed_body() {
        for (int i = 0; i < body.length; i++) {
            byte[] changed = Arrays.copyOf(body, body.length);
            changed[i] ^= 0x01;
            assertThat(WebhookSignature.verify(SECRET, changed, header)).as("byte %d changed", i).isFalse();
        }
        assertThat(WebhookSignature.verify(SECRET, Arrays.copyOf(body, body.length - 1), header)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, Arrays.copyOf(body, body.length + 1), header)).isFalse();
    }

    @Test
    void rejects_malformed_headers_without_throwing() {
        String hex = header.substring("sha256=".length());
        for (String bad : new String[]{null, "", "sha256=", "sha256", hex, "sha1=" + hex, "sha512=" + hex,
                "sha256=" + hex.substring(1), "sha256=" + hex + "0", "sha256=" + hex.substring(2) + "zz",
                "sha256=" + hex.substring(0, 30) + " " + hex.substring(31), "sha256 =" + hex,
                "sha256=" + hex + ",sha256=" + hex}) {
            assertThat(WebhookSignature.verify(SECRET, body, bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void accepts_upper_case_hex_and_surrounding_whitespace() {
        String upper = "sha256=" + header.substring("sha256=".length()).toUpperCase(Locale.ROOT);
        assertThat(WebhookSignature.verify(SECRET, body, " " + upper + "\t")).isTrue();
    }

    @Test
    void rejects_everything_when_no_secret_is_set() {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify("", empty, WebhookSignature.sign("x", empty))).isFalse();
        assertThat(WebhookSignature.verify(null, body, header)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, header)).isFalse();
    }
}
