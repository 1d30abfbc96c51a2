package org.sightline.hashing;

import java.util.List;

/**
 * A PDQ hash with its quality (0–100; below 50 the hash is unreliable and must not be matched) and the
 * 8 dihedral variants in {@link Dihedral} order (variant 0 is the hash itself).
 */
public record PdqResult(PdqHash hash, int quality, List<PdqHash> dihedral) {

    public static final int MIN_MATCH_QUALITY = 50;

    PdqResult(PdqHash hash, int quality, PdqHash[] dihedral) {
        this(hash, quality, List.of(dihedral));
    }

    public PdqResult {
        if (dihedral.size() != 8) throw new IllegalArgumentException("PDQ has 8 dihedral variants");
        dihedral = List.copyOf(dihedral);
    }

    /** Images with a side under 5 pixels: all-zero hash, quality 0, as the reference. */
    static PdqResult tiny() {
        PdqHash zero = new PdqHash(0, 0, 0, 0);
        return new PdqResult(zero, 0, new PdqHash[]{zero, zero, zero, zero, zero, zero, zero, zero});
    }

    public boolean matchable() {
        return quality >= MIN_MATCH_QUALITY;
    }

    public PdqHash variant(Dihedral d) {
        return dihedral.get(d.ordinal());
    }
}
