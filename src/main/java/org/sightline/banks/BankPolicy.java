package org.sightline.banks;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.Refusal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a match in an enforcing bank asks for, from the mildest to the gravest. */
public enum BankPolicy {
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
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** The allowed wire names, comma-separated, in declaration order. */
    public static String allowed() {
        return Arrays.stream(values()).map(BankPolicy::wireName).collect(Collectors.joining(", "));
    }

    /** Parses a form or API value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static BankPolicy parse(String value) {
        String v = value == null ? null : value.trim().toLowerCase(java.util.Locale.ROOT);
        for (BankPolicy x : values()) {
            if (x.wireName.equals(v)) return x;
        }
        throw Refusal.invalid("policy must be one of " + allowed() + ", got '" + value + "'");
    }
}
