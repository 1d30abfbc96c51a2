package org.sightline.matching;

import java.util.Locale;

/** The kinds of signal a bank can hold, with their wire names and value syntax. */
public enum SignalType {
    PDQ("pdq", 64, true),
    PHASH("phash", 16, true),
    DHASH("dhash", 16, true),
    MD5("md5", 32, false),
    SHA256("sha256", 64, false),
    /** A video's frames: HMA's JSON array of {@code "<pdq hex>,<quality>,<timestamp>"} strings. */
    VPDQ("vpdq", 0, true),
    /** The MD5 of a video file, under HMA's name. */
    VIDEO_MD5("video_md5", 32, false);

    /** The most frames one vPDQ value may hold (a 1000-second video at one frame per second). */
    public static final int MAX_VPDQ_FRAMES = 1000;

    private final String wireName;
    private final int hexDigits;
    private final boolean perceptual;

    SignalType(String wireName, int hexDigits, boolean perceptual) {
        this.wireName = wireName;
        this.hexDigits = hexDigits;
        this.perceptual = perceptual;
    }

    public String wireName() {
        return wireName;
    }

    /** Perceptual hashes match by Hamming distance; digests only when identical. */
    public boolean perceptual() {
        return perceptual;
    }

    public static SignalType parse(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("signal_type is missing");
        for (SignalType t : values()) {
            if (t.wireName.equals(name.trim().toLowerCase(Locale.ROOT))) return t;
        }
        throw new IllegalArgumentException("unknown signal_type '" + name
                + "' (expected one of pdq, phash, dhash, md5, sha256, vpdq, video_md5)");
    }

    /** Checks a value's syntax and returns its canonical form (lowercase hex); the message says what is wrong. */
    public String normalize(String value) {
        if (value == null) throw new IllegalArgumentException(wireName + " value is missing");
        if (this == VPDQ) return Vpdq.canonical(Vpdq.parse(value));
        String s = value.trim().toLowerCase(Locale.ROOT);
        if (s.length() != hexDigits) {
            throw new IllegalArgumentException(wireName + " value must be " + hexDigits + " hex digits, got "
                    + s.length() + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException(wireName + " value has a non-hex character at position " + (i + 1));
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
