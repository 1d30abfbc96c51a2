package org.sightline.federation;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.SecureRandom;
import java.util.Base64;

/** An Ed25519 private key with its public half. {@link #toString()} never shows the private key. */
public final class SigningKey {
    private final Ed25519PrivateKeyParameters privateKey;
    private final PublicKey publicKey;

    private SigningKey(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new PublicKey(privateKey.generatePublicKey());
    }

    public static SigningKey generate(SecureRandom random) {
        return new SigningKey(new Ed25519PrivateKeyParameters(random));
    }

    /** From the 32-byte seed (RFC 8032's private key). */
    public static SigningKey fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 private key is 32 bytes, got " + seed.length);
        }
        return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return publicKey.keyId();
    }

    /** The detached 64-byte signature of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    public String signBase64(byte[] message) {
        return Base64.getEncoder().encodeToString(sign(message));
    }

    String seedBase64() {
        return Base64.getEncoder().encodeToString(privateKey.getEncoded());
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }
}
