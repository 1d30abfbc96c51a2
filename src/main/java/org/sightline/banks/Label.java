package org.sightline.banks;

import org.sightline.common.WireName;
import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.Refusal;

import java.util.Locale;
import java.util.Optional;

/** The label taxonomy: what a bank entry or a confirmed case is about. Stored and exchanged by wire name. */
public enum Label implements WireName {
    CSAM("csam"),
    NCII("ncii"),
    TERRORISM("terrorism"),
    GRAPHIC_VIOLENCE("graphic_violence"),
    HATE_SYMBOL("hate_symbol"),
    SEXUAL("sexual"),
    SPAM("spam"),
    PRIVACY("privacy"),
    COPYRIGHT("copyright"),
    OTHER("other");

    private final String wireName;

    Label(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Grave labels (csam, ncii, terrorism): their matches rank first and an allow-bank hit never vetoes them.
     */
    public boolean grave() {
        return this == CSAM || this == NCII || this == TERRORISM;
    }

    /** Whether any of the stored words names a grave label. */
    public static boolean anyGrave(java.util.Collection<String> labels) {
        return labels.stream().map(Label::find).flatMap(Optional::stream).anyMatch(Label::grave);
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
        return WireName.allowed(Label.class);
    }

    /** The label a stored or received word names, if any (exactly: stored labels were validated). */
    public static Optional<Label> find(String value) {
        return WireName.find(Label.class, value);
    }

    /** Parses a form, API or list value (trimmed, any case); refuses anything else, naming the allowed values. */
    public static Label parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return find(v).orElseThrow(() -> Refusal.invalid("unknown label '" + value + "' (expected one of " + allowed() + ")"));
    }
}
