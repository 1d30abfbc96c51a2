package org.sightline.access;

import java.util.Locale;

/** What a panel user may do; each role includes the ones below it. */
public enum Role {
    VIEWER, MODERATOR, ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return ordinal() >= other.ordinal();
    }

    public static Role parse(String s) {
        if (s != null) {
            for (Role r : values()) {
                if (r.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) return r;
            }
        }
        throw new IllegalArgumentException("role must be admin, moderator or viewer, got '" + s + "'");
    }
}
