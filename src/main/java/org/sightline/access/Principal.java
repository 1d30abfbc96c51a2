package org.sightline.access;

import java.util.Set;

/** The authenticated caller: the token's name and scopes. */
public record Principal(String name, Set<Scope> scopes) {
    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }
}
