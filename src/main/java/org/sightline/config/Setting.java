package org.sightline.config;

import java.util.Optional;

/**
 * One configuration key, declared once by the feature that reads it: its name, its default as documented,
 * one line on what it does, and how its value is read. Immutable, so features keep their keys in static
 * final lists that the composition root gathers into {@link KnownKeys}.
 */
public final class Setting<T> {

    /** Reads the key's value, applying the default. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Config config, String name);
    }

    private final String name;
    private final String defaultText;
    private final String description;
    private final Reader<T> reader;
    /** Whether {@link #defaultText} is a value as written in the configuration, not words on how it is derived. */
    private final boolean literalDefault;

    private Setting(String name, String defaultText, boolean literalDefault, String description, Reader<T> reader) {
        if (!name.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+")) {
            throw new IllegalArgumentException("a key is dotted lower case: " + name);
        }
        this.name = name;
        this.defaultText = defaultText;
        this.description = description;
        this.reader = reader;
        this.literalDefault = literalDefault && defaultText != null;
    }

    public static Setting<Integer> integer(String name, int fallback, String description) {
        return new Setting<>(name, String.valueOf(fallback), true, description, (c, n) -> c.integer(n, fallback));
    }

    /** An integer whose default is computed (e.g. from the cores): {@code defaultText} documents it. */
    public static Setting<Integer> integer(String name, java.util.function.IntSupplier fallback, String defaultText,
                                           String description) {
        return new Setting<>(name, defaultText, false, description, (c, n) -> c.integer(n, fallback.getAsInt()));
    }

    public static Setting<Long> longValue(String name, long fallback, String description) {
        return new Setting<>(name, String.valueOf(fallback), true, description, (c, n) -> c.longValue(n, fallback));
    }

    /** A long whose default is derived from other settings: {@code defaultText} documents how. */
    public static Setting<Long> longValue(String name, java.util.function.ToLongFunction<Config> fallback,
                                          String defaultText, String description) {
        return new Setting<>(name, defaultText, false, description,
                (c, n) -> c.longValue(n, fallback.applyAsLong(c)));
    }

    /** A number with a fraction (a share, a ratio). */
    public static Setting<Double> decimal(String name, double fallback, String description) {
        return new Setting<>(name, String.valueOf(fallback), true, description, (c, n) -> {
            String v = c.get(n).orElse(null);
            if (v == null) return fallback;
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(n + " must be a number, got '" + v + "'");
            }
        });
    }

    public static Setting<Boolean> bool(String name, boolean fallback, String description) {
        return new Setting<>(name, String.valueOf(fallback), true, description, (c, n) -> c.bool(n, fallback));
    }

    public static Setting<String> string(String name, String fallback, String description) {
        return new Setting<>(name, fallback, true, description, (c, n) -> c.string(n, fallback));
    }

    /** A key without a fixed default: absent means "derive it" ({@code defaultText} says how) or "none". */
    public static Setting<Optional<String>> optional(String name, String defaultText, String description) {
        return new Setting<>(name, defaultText, false, description, Config::get);
    }

    public T from(Config config) {
        return reader.read(config, name);
    }

    public String name() {
        return name;
    }

    /** {@code http.port} → {@code SIGHTLINE_HTTP_PORT}. */
    public String envName() {
        return Config.envName(name);
    }

    /** The default as documented (a value, or how it is derived); null: none. */
    public String defaultText() {
        return defaultText;
    }

    public boolean literalDefault() {
        return literalDefault;
    }

    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return name;
    }
}
