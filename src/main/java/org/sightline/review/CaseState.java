package org.sightline.review;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a case is: waiting for a moderator, waiting for an admin, or done. */
public enum CaseState implements WireName {
    OPEN("open"),
    ESCALATED("escalated"),
    DECIDED("decided");

    private final String wireName;

    CaseState(String wireName) {
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

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return WireName.allowed(CaseState.class);
    }

    /** Parses a stored or internal value; unknown values are a programming error, not user input. */
    public static CaseState parse(String value) {
        return WireName.find(CaseState.class, value).orElseThrow(() -> new IllegalArgumentException(
                "case state must be one of " + allowed() + ", got '" + value + "'"));
    }
}
