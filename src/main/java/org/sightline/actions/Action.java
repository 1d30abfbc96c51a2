package org.sightline.actions;

import java.util.Set;

/**
 * Carries out decisions on an instance or locally. Implementations are found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/org.sightline.actions.Action}); a jar dropped in the
 * {@code plugins/} directory beside the data directory is loaded at start. Implementations must be
 * thread-safe and must not log tokens or secrets.
 */
public interface Action extends Plugin {
    /** The request actions it carries out ({@code report}, {@code mark_sensitive}, {@code account_action}, ...). */
    Set<String> handles();

    /** One attempt; exceptions count as a retryable failure. */
    ActionOutcome execute(ActionContext context) throws Exception;
}
