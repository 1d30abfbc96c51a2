package org.sightline.banks;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.Refusal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Whether a bank's matches decide ({@code enforce}) or are only recorded ({@code observe}). */
public enum BankMode {
    ENFORCE("enforce"),
    OBSERVE("observe");

    private final String wireName;

    BankMode(String wireName) {
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
        return Arrays.stream(values()).map(BankMode::wireName).collect(Collectors.joining(", "));
    }

    /** Parses a form or API value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static BankMode parse(String value) {
        String v = value == null ? null : value.trim().toLowerCase(java.util.Locale.ROOT);
        for (BankMode x : values()) {
            if (x.wireName.equals(v)) return x;
        }
        throw Refusal.invalid("mode must be one of " + allowed() + ", got '" + value + "'");
    }
}
