package org.sightline.banks;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a bank's entries come from: added here, synced from a subscribed list, or an allow list. */
public enum BankKind implements WireName {
    LOCAL("local"),
    SUBSCRIBED("subscribed"),
    ALLOW("allow");

    private final String wireName;

    BankKind(String wireName) {
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
        return WireName.allowed(BankKind.class);
    }

    /** Parses a form or API value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static BankKind parse(String value) {
        return WireName.parse(BankKind.class, "kind", value);
    }
}
