package org.sightline.hashing;

import java.util.Locale;

/**
 * An image that could not be read, with a one-line reason fit to show a user. The {@link Reason} maps
 * onto the scan outcomes of the ingest pipeline ({@code unsupported}, {@code too_large}, {@code decode_failed}).
 */
public class MediaException extends Exception {

    public enum Reason {
        UNSUPPORTED, TOO_LARGE, DECODE_FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public MediaException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
