package org.sightline.review;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a case is: waiting for a moderator, waiting for an admin, or done. */
public enum CaseState {
    OPEN("open"),
    ESCALATED("escalated"),
    DECIDED("decided");

    private final String wireName;

    CaseState(String wireName) {
        this.wireName = wireName;
    }

    /** The word stored, shown in JSON and printed by templates. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return Arrays.stream(values()).map(CaseState::wireName).collect(Collectors.joining(", "));
    }

    /** Parses a stored or internal value; unknown values are a programming error, not user input. */
    public static CaseState parse(String value) {
        for (CaseState s : values()) {
            if (s.wireName.equals(value)) return s;
        }
        throw new IllegalArgumentException("case state must be one of " + allowed() + ", got '" + value + "'");
    }
}
