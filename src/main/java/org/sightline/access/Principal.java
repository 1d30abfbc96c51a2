package org.sightline.access;

import java.util.Set;

/**
 * The authenticated caller: the token's name and scopes, and the instance it is bound to (null: none). A bound
 * token may name no other instance and read no other instance's media.
 */
public record Principal(String name, Set<Scope> scopes, String instance) {
    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    public boolean bound() {
        return instance != null;
    }

    /** Whether this caller may act on or read the instance named {@code name} (null: media of no instance). */
    public boolean mayUse(String name) {
        return instance == null || instance.equals(name);
    }
}
