package org.sightline.banks;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.Refusal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a bank's entries come from: added here, synced from a subscribed list, or an allow list. */
public enum BankKind {
    LOCAL("local"),
    SUBSCRIBED("subscribed"),
    ALLOW("allow");

    private final String wireName;

    BankKind(String wireName) {
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
        return Arrays.stream(values()).map(BankKind::wireName).collect(Collectors.joining(", "));
    }

    /** Parses a form or API value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static BankKind parse(String value) {
        String v = value == null ? null : value.trim().toLowerCase(java.util.Locale.ROOT);
        for (BankKind x : values()) {
            if (x.wireName.equals(v)) return x;
        }
        throw Refusal.invalid("kind must be one of " + allowed() + ", got '" + value + "'");
    }
}
