package org.sightline.actions;

/**
 * One setting a plugin reads, as the settings page shows it. Values come from the configuration under
 * {@code plugins.<plugin name>.<field>} (e.g. {@code SIGHTLINE_PLUGINS_WEBHOOK_URL}); secret values are
 * never shown back, only whether they are set.
 */
public record ConfigField(String name, String description, boolean secret, String defaultValue) {
}
