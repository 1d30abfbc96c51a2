package org.sightline.auth;

/**
 * Auth's port to the instances a token may be bound to, implemented by {@code instances} and wired in
 * {@code boot.App}: binding a token to a name that is not a connected instance is refused.
 */
@FunctionalInterface
public interface TokenInstances {
    /** Whether {@code name} is a connected instance (not removed). */
    boolean connected(String name);
}
