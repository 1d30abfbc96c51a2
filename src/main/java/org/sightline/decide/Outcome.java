package org.sightline.decide;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.banks.BankPolicy;

/** What the decision is for one media item, from the mildest to the gravest; the last three are automatic. */
public enum Outcome implements WireName {
    PASS("pass"),
    REVIEW("review"),
    MARK_SENSITIVE("mark_sensitive"),
    REPORT("report"),
    REJECT("reject");

    private final String wireName;

    Outcome(String wireName) {
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

    /** The outcome a bank policy asks for (same word). */
    public static Outcome of(BankPolicy policy) {
        return switch (policy) {
            case REVIEW -> REVIEW;
            case MARK_SENSITIVE -> MARK_SENSITIVE;
            case REPORT -> REPORT;
            case REJECT -> REJECT;
        };
    }

    /** Whether Sightline acts on it without a moderator. */
    public boolean automatic() {
        return this != PASS && this != REVIEW;
    }

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return WireName.allowed(Outcome.class);
    }

    /** Parses a stored or API value; refuses anything else, naming the allowed values. */
    public static Outcome parse(String value) {
        return WireName.parse(Outcome.class, "decision", value);
    }
}
