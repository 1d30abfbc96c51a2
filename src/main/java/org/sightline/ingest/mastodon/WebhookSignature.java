package org.sightline.ingest.mastodon;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Mastodon's webhook signature: {@code X-Hub-Signature: sha256=<lowercase hex of HMAC-SHA256(key = the
 * secret's UTF-8 bytes, message = the raw body)>}. Checked over the raw bytes before anything parses them.
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Hub-Signature";
    private static final String PREFIX = "sha256=";
    private static final int HEX_LENGTH = 64;

    private WebhookSignature() {
    }

    /**
     * Whether {@code headerValue} is a valid signature of {@code rawBody} under {@code secret}. False for a
     * missing or empty secret, and for any header that is not {@code sha256=} and 64 hex digits; the
     * digests are compared in constant time.
     */
    public static boolean verify(String secret, byte[] rawBody, String headerValue) {
        if (secret == null || secret.isEmpty() || rawBody == null || headerValue == null) return false;
        String value = headerValue.trim();
        if (value.length() != PREFIX.length() + HEX_LENGTH
                || !value.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
            return false;
        }
        String hex = value.substring(PREFIX.length());
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) return false;
        }
        byte[] claimed = HexFormat.of().parseHex(hex);
        return MessageDigest.isEqual(hmac(secret, rawBody), claimed);
    }

    /** The header value Mastodon would send for {@code rawBody}: {@code sha256=<hex>}. */
    public static String sign(String secret, byte[] rawBody) {
        if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("a webhook secret is required");
        return PREFIX + HexFormat.of().formatHex(hmac(secret, rawBody));
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
