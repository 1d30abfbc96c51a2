package org.sightline.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A domain word with the exact spelling it has in the database, JSON, forms and templates. Enums implement it;
 * these helpers parse and list them the same way everywhere.
 */
public interface WireName {

    String wireName();

    /** The wire names of {@code type}'s constants, comma-separated, in declaration order. */
    static <E extends Enum<E> & WireName> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireName::wireName).collect(Collectors.joining(", "));
    }

    /** The constant spelled exactly {@code value}, if any (stored words were checked when they were written). */
    static <E extends Enum<E> & WireName> Optional<E> find(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.wireName().equals(value)).findFirst();
    }

    /**
     * Parses a value from a form, an API or a file (trimmed, any case); anything else is refused with a message
     * naming {@code field} and the allowed words.
     */
    static <E extends Enum<E> & WireName> E parse(Class<E> type, String field, String value) {
        String v = value == null ? null : value.trim().toLowerCase(Locale.ROOT);
        return find(type, v).orElseThrow(() -> Refusal.invalid(field + " must be one of " + allowed(type)
                + ", got '" + value + "'"));
    }
}
