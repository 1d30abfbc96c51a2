package org.sightline.actions;

import java.util.List;
import java.util.Set;

/**
 * Carries out decisions on an instance or locally. Implementations are found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/org.sightline.actions.Action}); a jar dropped in the
 * {@code plugins/} directory beside the data directory is loaded at start. Implementations must be
 * thread-safe and must not log tokens or secrets.
 */
public interface Action {
    /** Unique name, also the prefix of its settings ({@code plugins.<name>.*}). */
    String name();

    /** The request actions it carries out ({@code report}, {@code mark_sensitive}, {@code account_action}, ...). */
    Set<String> handles();

    /** The instance kinds it supports; empty: any instance, and media without one (a fallback). */
    Set<String> instanceKinds();

    List<ConfigField> configSchema();

    /** Whether its settings let it run (e.g. a URL is configured). */
    default boolean enabled(java.util.Map<String, String> config) {
        return true;
    }

    /** One attempt; exceptions count as a retryable failure. */
    ActionOutcome execute(ActionContext context) throws Exception;
}
