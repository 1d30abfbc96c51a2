package org.sightline.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed statement that the audit log held {@code hash} at event {@code seq} at time {@code at}, for the admin
 * to keep outside the database: {@code audit verify --checkpoint FILE} checks the log still holds that head.
 * {@code signer} is {@code ed25519} (the list-signing key, {@code keyId} its fingerprint) or {@code hmac-sha256}
 * (the audit key).
 */
public record Checkpoint(long seq, String hash, Instant at, String signer, String keyId, String signature) {

    /** The bytes the signature covers. */
    public static byte[] signedBytes(long seq, String hash, Instant at) {
        return ("sightline-audit-checkpoint/v1\n" + seq + "\n" + hash + "\n" + at + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public byte[] signedBytes() {
        return signedBytes(seq, hash, at);
    }

    /** The JSON document an admin keeps. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "sightline-audit-checkpoint");
        m.put("seq", seq);
        m.put("hash", hash);
        m.put("at", at.toString());
        m.put("signer", signer);
        m.put("key_id", keyId);
        m.put("signature", signature);
        return m;
    }

    /** Reads {@link #toJson}'s document; a malformed one is an {@link IllegalArgumentException}. */
    public static Checkpoint fromJson(JsonNode n) {
        if (n == null || !n.path("seq").canConvertToLong() || !n.path("hash").isTextual() || !n.path("at").isTextual()
                || !n.path("signer").isTextual() || !n.path("signature").isTextual()) {
            throw new IllegalArgumentException("not a Sightline audit checkpoint (seq, hash, at, signer, key_id, signature)");
        }
        try {
            return new Checkpoint(n.get("seq").asLong(), n.get("hash").asText(), Instant.parse(n.get("at").asText()),
                    n.get("signer").asText(), n.path("key_id").asText(""), n.get("signature").asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the checkpoint's time is not an ISO-8601 instant");
        }
    }

    /** Signs checkpoints and checks their signatures. */
    public interface Signer {
        /** {@code ed25519} or {@code hmac-sha256}. */
        String kind();

        String keyId();

        /** Base64 signature of {@code message}. */
        String sign(byte[] message);

        /** Whether {@code cp} carries a valid signature by this signer's key; false for another kind or key. */
        boolean verify(Checkpoint cp);
    }
}
