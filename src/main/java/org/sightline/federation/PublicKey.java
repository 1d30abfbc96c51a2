package org.sightline.federation;

import org.sightline.common.Digests;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.util.Base64;
import java.util.regex.Pattern;

/** An Ed25519 public key; its key id (fingerprint) is the lowercase hex SHA-256 of the 32 raw key bytes. */
public final class PublicKey {
    public static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");
    private final Ed25519PublicKeyParameters key;
    private final String keyId;

    PublicKey(Ed25519PublicKeyParameters key) {
        this.key = key;
        this.keyId = fingerprint(key.getEncoded());
    }

    /** From the 32 raw bytes in standard base64 (as key documents carry them). */
    public static PublicKey fromBase64(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key is not valid base64");
        }
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + raw.length);
        }
        return new PublicKey(new Ed25519PublicKeyParameters(raw, 0));
    }

    public static String fingerprint(byte[] raw) {
        return Digests.sha256Hex(raw);
    }

    public String keyId() {
        return keyId;
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Whether {@code signature} is this key's signature of exactly {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) return false;
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** {@link #verify} with a base64 signature; malformed base64 is a failed verification. */
    public boolean verifyBase64(byte[] message, String signature) {
        if (signature == null) return false;
        try {
            return verify(message, Base64.getDecoder().decode(signature.trim()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicKey p && p.keyId.equals(keyId);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "PublicKey[" + keyId + "]";
    }
}
