package org.sightline.banks;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a match in an enforcing bank asks for, from the mildest to the gravest. */
public enum BankPolicy implements WireName {
    REVIEW("review"),
    MARK_SENSITIVE("mark_sensitive"),
    REPORT("report"),
    REJECT("reject");

    private final String wireName;

    BankPolicy(String wireName) {
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
        return WireName.allowed(BankPolicy.class);
    }

    /** Parses a form or API value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static BankPolicy parse(String value) {
        return WireName.parse(BankPolicy.class, "policy", value);
    }
}
