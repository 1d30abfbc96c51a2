package org.sightline.matching;

import org.sightline.hashing.PdqHash;

import java.util.ArrayList;
import java.util.List;

/**
 * Approximates the 8 dihedral variants of a PDQ hash from its bits alone, for queries that come without an
 * image. PDQ's variants are transposes and sign flips of the 16×16 DCT matrix (bit {@code 16i + j} is
 * {@code B[i][j] > median}); at bit level a variant is the transposed layout with the bits of negated
 * coefficients inverted. The median of the new matrix differs, so a derived variant is within a few bits of
 * the one computed from the image — close enough for radius matching, not bit-exact.
 */
public final class PdqDihedral {
    /** Variant names in the order of the reference pipeline (and of {@code expected-dihedral.csv}). */
    public static final List<String> NAMES = List.of(
            "original", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flip_plus1", "flip_minus1");

    private PdqDihedral() {
    }

    /** The 8 variants in {@link #NAMES} order; element 0 is the hash itself. */
    public static List<PdqHash> variants(PdqHash h) {
        List<PdqHash> out = new ArrayList<>(8);
        for (int v = 0; v < 8; v++) out.add(variant(h, v));
        return out;
    }

    public static PdqHash variant(PdqHash h, int v) {
        if (v == 0) return h;
        long[] w = new long[4];
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                boolean bit = h.bit(i * 16 + j);
                boolean transpose;
                boolean negate;
                switch (v) {
                    case 1 -> { transpose = true; negate = (j & 1) == 0; }        // rotate90
                    case 2 -> { transpose = false; negate = ((i + j) & 1) == 1; } // rotate180
                    case 3 -> { transpose = true; negate = (i & 1) == 0; }        // rotate270
                    case 4 -> { transpose = false; negate = (i & 1) == 0; }       // flipx
                    case 5 -> { transpose = false; negate = (j & 1) == 0; }       // flipy
                    case 6 -> { transpose = true; negate = false; }               // flip_plus1
                    case 7 -> { transpose = true; negate = ((i + j) & 1) == 1; }  // flip_minus1
                    default -> throw new IllegalArgumentException("variant index 0..7, got " + v);
                }
                int k = transpose ? j * 16 + i : i * 16 + j;
                if (bit != negate) w[k >> 6] |= 1L << (k & 63);
            }
        }
        return new PdqHash(w[0], w[1], w[2], w[3]);
    }
}
