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
        return decoder.decode(bytes, decoded -> signals(decoded, bytes));
    }

    /** Everything after decoding: PDQ and its variants, pHash/dHash (from the same pass), the digests. */
    public Signals signals(DecodedImage decoded, byte[] bytes) {
        GreyDerivative derivative = new GreyDerivative(decoded.width(), decoded.height(),
                PerceptualHashes.DERIVATIVE_SIDE);
        PdqResult p = pdq.hash(decoded.image(), derivative);
        // PDQ skips the pixels of images under 5 pixels a side; read those directly
        PerceptualHashes.Result ph = derivative.complete()
                ? perceptual.hashDerivative(derivative.image())
                : perceptual.hash(decoded.image());
        return new Signals(decoded.format(), decoded.width(), decoded.height(), p, ph.phash(), ph.dhash(),
                digest("MD5", bytes), digest("SHA-256", bytes));
    }

    public static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
