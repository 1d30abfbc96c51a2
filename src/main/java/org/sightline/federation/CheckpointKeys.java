package org.sightline.federation;

import org.sightline.audit.AuditLog;
import org.sightline.audit.Checkpoint;

import java.nio.file.Path;

/**
 * Who signs audit checkpoints: the instance's Ed25519 list-signing key when the data directory has one (so a
 * checkpoint can be checked with the published public key), otherwise the audit key's HMAC. Either way a
 * checkpoint signed by the audit key still verifies.
 */
public final class CheckpointKeys {
    private CheckpointKeys() {
    }

    public static Checkpoint.Signer forDataDir(Path dataDir, AuditLog audit) {
        Checkpoint.Signer hmac = audit.hmacSigner();
        return new KeyFiles(dataDir).load().<Checkpoint.Signer>map(key -> new Ed25519(key, hmac)).orElse(hmac);
    }

    private record Ed25519(SigningKey key, Checkpoint.Signer hmac) implements Checkpoint.Signer {
        @Override
        public String kind() {
            return "ed25519";
        }

        @Override
        public String keyId() {
            return key.keyId();
        }

        @Override
        public String sign(byte[] message) {
            return key.signBase64(message);
        }

        @Override
        public boolean verify(Checkpoint cp) {
            if (hmac.kind().equals(cp.signer())) return hmac.verify(cp);
            return kind().equals(cp.signer()) && key.keyId().equals(cp.keyId())
                    && key.publicKey().verifyBase64(cp.signedBytes(), cp.signature());
        }
    }
}
