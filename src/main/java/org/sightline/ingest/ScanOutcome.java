package org.sightline.ingest;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.fetch.FetchResult;
import org.sightline.hashing.MediaException;

/** What came of fetching and decoding a media item; anything but {@code scanned} goes to review. */
public enum ScanOutcome implements WireName {
    SCANNED("scanned"),
    UNSUPPORTED("unsupported"),
    TOO_LARGE("too_large"),
    FETCH_FAILED("fetch_failed"),
    GONE("gone"),
    DECODE_FAILED("decode_failed");

    private final String wireName;

    ScanOutcome(String wireName) {
        this.wireName = wireName;
    }

    /** The word stored, shown in JSON and printed by templates. */
    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** Why the bytes could not be decoded. */
    public static ScanOutcome of(MediaException.Reason reason) {
        return switch (reason) {
            case UNSUPPORTED -> UNSUPPORTED;
            case TOO_LARGE -> TOO_LARGE;
            case DECODE_FAILED -> DECODE_FAILED;
        };
    }

    /** Why the bytes could not be fetched ({@code ok} is no failure: it has no outcome of its own). */
    public static ScanOutcome of(FetchResult.Outcome outcome) {
        return switch (outcome) {
            case TOO_LARGE -> TOO_LARGE;
            case FETCH_FAILED -> FETCH_FAILED;
            case GONE -> GONE;
            case OK -> throw new IllegalArgumentException("a fetched item is not a failure");
        };
    }

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return WireName.allowed(ScanOutcome.class);
    }

    /** Parses a stored or API value; refuses anything else, naming the allowed values. */
    public static ScanOutcome parse(String value) {
        return WireName.parse(ScanOutcome.class, "outcome", value);
    }
}
