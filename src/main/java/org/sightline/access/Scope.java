package org.sightline.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What an API token may do. {@link #ADMIN} implies every other scope. */
public enum Scope {
    SCAN("scan"), MATCH("match"), BANKS_READ("banks:read"), BANKS_WRITE("banks:write"),
    /** Deciding cases and appeals by API (moderation bots and scripts). */
    REVIEW("review"), ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Scope parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (Scope sc : values()) {
            if (sc.wireName.equals(v)) return sc;
        }
        throw new IllegalArgumentException("unknown scope '" + s + "' (expected scan, match, banks:read, banks:write, review, admin)");
    }

    /** Parses a comma-separated list; at least one scope. */
    public static Set<Scope> parseList(String csv) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        if (csv != null) {
            for (String part : csv.split(",")) {
                if (!part.isBlank()) out.add(parse(part));
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("at least one scope is needed");
        return out;
    }
}
