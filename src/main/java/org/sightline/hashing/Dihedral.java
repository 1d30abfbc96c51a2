package org.sightline.hashing;

import java.util.Locale;

/**
 * The 8 symmetries of the square, as transforms of PDQ's 16×16 DCT matrix (row {@code i}, column {@code j}):
 * the hash an image would have if rotated or mirrored, computed without touching the pixels.
 * Order and names are those of {@code expected-dihedral.csv} and of Meta's tools.
 */
public enum Dihedral {
    ORIGINAL, ROTATE90, ROTATE180, ROTATE270, FLIPX, FLIPY, FLIP_PLUS1, FLIP_MINUS1;

    private static final int D = 16;

    /** Lowercase name used in JSON and the CLI ({@code rotate90}, {@code flip_plus1}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Writes into {@code v} this variant of the DCT matrix {@code a}. */
    void transform(float[] a, float[] v) {
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                float x = a[i * D + j];
                boolean iOdd = (i & 1) == 1;
                boolean jOdd = (j & 1) == 1;
                boolean sumOdd = ((i + j) & 1) == 1;
                switch (this) {
                    case ORIGINAL -> v[i * D + j] = x;
                    case ROTATE90 -> v[j * D + i] = jOdd ? x : -x;
                    case ROTATE180 -> v[i * D + j] = sumOdd ? -x : x;
                    case ROTATE270 -> v[j * D + i] = iOdd ? x : -x;
                    case FLIPX -> v[i * D + j] = iOdd ? x : -x;
                    case FLIPY -> v[i * D + j] = jOdd ? x : -x;
                    case FLIP_PLUS1 -> v[j * D + i] = x;
                    case FLIP_MINUS1 -> v[j * D + i] = sumOdd ? -x : x;
                }
            }
        }
    }
}
