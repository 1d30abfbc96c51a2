package org.sightline.hashing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Bytes in, {@link Signals} out: decode (bounded by the decoder's permits), PDQ, pHash/dHash, digests. */
public final class MediaHasher {
    private final ImageDecoder decoder;
    private final PdqHasher pdq = new PdqHasher();
    private final PerceptualHashes perceptual = new PerceptualHashes();

    public MediaHasher(ImageDecoder decoder) {
        this.decoder = decoder;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    public Signals hash(byte[] bytes) throws MediaException {
        String md5 = digest("MD5", bytes);
        String sha256 = digest("SHA-256", bytes);
        return decoder.decode(bytes, decoded -> {
            PdqResult p = pdq.hash(decoded.image());
            PerceptualHashes.Result ph = perceptual.hash(decoded.image());
            return new Signals(decoded.format(), decoded.width(), decoded.height(), p, ph.phash(), ph.dhash(), md5, sha256);
        });
    }

    static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
