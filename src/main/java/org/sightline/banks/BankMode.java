package org.sightline.banks;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a bank's matches decide ({@code enforce}) or are only recorded ({@code observe}). */
public enum BankMode implements WireName {
    ENFORCE("enforce"),
    OBSERVE("observe");

    private final String wireName;

    BankMode(String wireName) {
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
        return WireName.allowed(BankMode.class);
    }

    /** Parses a form or API value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static BankMode parse(String value) {
        return WireName.parse(BankMode.class, "mode", value);
    }
}
