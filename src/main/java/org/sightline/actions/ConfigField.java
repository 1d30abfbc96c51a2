package org.sightline.actions;

import java.net.URI;

/**
 * One setting a plugin reads, as the settings page shows it. Values come from the configuration under
 * {@code plugins.<plugin name>.<field>} (e.g. {@code SIGHTLINE_PLUGINS_WEBHOOK_URL}) or from the settings
 * page, which overrides the configuration; secret values are never shown back, only whether they are set.
 */
public record ConfigField(String name, String description, boolean secret, String defaultValue, Type type) {
    /** What a value must look like; checked before an admin's change is saved. */
    public enum Type { TEXT, URL, INTEGER, NUMBER, BOOLEAN }

    /** A free-text field. */
    public ConfigField(String name, String description, boolean secret, String defaultValue) {
        this(name, description, secret, defaultValue, Type.TEXT);
    }

    public ConfigField {
        if (type == null) type = Type.TEXT;
    }

    /** Why {@code value} does not fit this field, or null when it does (empty means unset and always fits). */
    public String problem(String value) {
        if (value == null || value.isEmpty()) return null;
        switch (type) {
            case URL -> {
                try {
                    URI uri = URI.create(value);
                    if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                        return null;
                    }
                } catch (IllegalArgumentException e) {
                    // reported below
                }
                return name + " must be an http(s) URL";
            }
            case INTEGER -> {
                try {
                    Long.parseLong(value);
                    return null;
                } catch (NumberFormatException e) {
                    return name + " must be a whole number";
                }
            }
            case NUMBER -> {
                try {
                    double d = Double.parseDouble(value);
                    return Double.isFinite(d) ? null : name + " must be a number";
                } catch (NumberFormatException e) {
                    return name + " must be a number";
                }
            }
            case BOOLEAN -> {
                return value.equals("true") || value.equals("false") ? null : name + " must be true or false";
            }
            default -> {
                return null;
            }
        }
    }
}
