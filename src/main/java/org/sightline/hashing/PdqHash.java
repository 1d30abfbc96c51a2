package org.sightline.hashing;

import java.util.Locale;

/**
 * A 256-bit PDQ hash. Bit {@code k} (0 = least significant) is the bit the PDQ description numbers {@code k};
 * {@code w0} holds bits 0..63, {@code w3} bits 192..255. The text form is 64 lowercase hex digits, most
 * significant first, as Meta's tools print it.
 */
public record PdqHash(long w0, long w1, long w2, long w3) {

    public static final int BITS = 256;

    public static PdqHash parse(String hex) {
        if (hex == null) throw new IllegalArgumentException("PDQ hash is missing");
        String s = hex.trim();
        if (s.length() != 64) {
            throw new IllegalArgumentException("PDQ hash must be 64 hex digits, got " + s.length() + " characters");
        }
        for (int i = 0; i < 64; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("PDQ hash has a non-hex character at position " + (i + 1));
            }
        }
        return new PdqHash(
                Long.parseUnsignedLong(s.substring(48, 64), 16),
                Long.parseUnsignedLong(s.substring(32, 48), 16),
                Long.parseUnsignedLong(s.substring(16, 32), 16),
                Long.parseUnsignedLong(s.substring(0, 16), 16));
    }

    /** Builds a hash from 256 bits given as 16 words of 16 bits (word {@code w} holds bits {@code 16w..16w+15}). */
    public static PdqHash fromWords(int[] words16) {
        long[] w = new long[4];
        for (int i = 0; i < 16; i++) {
            w[i >> 2] |= (long) (words16[i] & 0xFFFF) << ((i & 3) * 16);
        }
        return new PdqHash(w[0], w[1], w[2], w[3]);
    }

    public long word(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            case 3 -> w3;
            default -> throw new IndexOutOfBoundsException(i);
        };
    }

    public boolean bit(int k) {
        return ((word(k >> 6) >>> (k & 63)) & 1L) != 0;
    }

    public int distance(PdqHash other) {
        return Long.bitCount(w0 ^ other.w0) + Long.bitCount(w1 ^ other.w1)
                + Long.bitCount(w2 ^ other.w2) + Long.bitCount(w3 ^ other.w3);
    }

    public String hex() {
        return String.format(Locale.ROOT, "%016x%016x%016x%016x", w3, w2, w1, w0);
    }

    @Override
    public String toString() {
        return hex();
    }
}
