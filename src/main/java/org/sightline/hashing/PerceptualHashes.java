package org.sightline.hashing;

import dev.brachtendorf.jimagehash.hash.Hash;
import dev.brachtendorf.jimagehash.hashAlgorithms.DifferenceHash;
import dev.brachtendorf.jimagehash.hashAlgorithms.HashingAlgorithm;
import dev.brachtendorf.jimagehash.hashAlgorithms.PerceptiveHash;

import java.awt.image.BufferedImage;

/**
 * pHash (64 bits) and dHash (63 bits: JImageHash's difference hash offers 56, 63 or 72 bits, and 63 is the
 * most that fits the 64-bit index) from JImageHash, computed on a {@link GreyDerivative} of the image.
 */
public final class PerceptualHashes {
    static final int DERIVATIVE_SIDE = 256;

    private final HashingAlgorithm phash = new PerceptiveHash(64);
    private final HashingAlgorithm dhash = new DifferenceHash(63, DifferenceHash.Precision.Simple);

    public record Result(long phash, long dhash) {
    }

    public Result hash(BufferedImage image) {
        return hashDerivative(GreyDerivative.of(image, DERIVATIVE_SIDE));
    }

    /** Hashes an already-made {@link GreyDerivative} image. */
    Result hashDerivative(BufferedImage derivative) {
        return new Result(toLong(phash.hash(derivative)), toLong(dhash.hash(derivative)));
    }

    /** The hash bits as a long (JImageHash keeps them in a BigInteger of at most 64 bits here). */
    private static long toLong(Hash hash) {
        return hash.getHashValue().longValue();
    }

    public static String hex(long value) {
        return String.format("%016x", value);
    }
}
