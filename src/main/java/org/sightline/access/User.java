package org.sightline.access;

import java.time.Instant;

/** A panel account with its wellness settings (the password hash is never read into this record). */
public record User(long id, String name, String role, int blurStrength, boolean greyscale, boolean revealConfirm,
                   boolean disabled, Instant createdAt) {
    public Role roleValue() {
        return Role.parse(role);
    }

    /** For templates: may decide cases. */
    public boolean moderator() {
        return can(Role.MODERATOR);
    }

    public boolean admin() {
        return can(Role.ADMIN);
    }

    public boolean can(Role needed) {
        return roleValue().atLeast(needed);
    }
}
