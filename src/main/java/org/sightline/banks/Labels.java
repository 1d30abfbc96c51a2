package org.sightline.banks;

import org.sightline.common.Refusal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The label taxonomy, and the comma-separated form labels are stored in. */
public final class Labels {
    public static final List<String> TAXONOMY = List.of(
            "csam", "ncii", "terrorism", "graphic_violence", "hate_symbol", "sexual", "spam", "privacy",
            "copyright", "other");

    private Labels() {
    }

    /** Validates and de-duplicates labels, keeping their order. */
    public static List<String> validate(Collection<String> labels) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : labels) {
            String s = l == null ? "" : l.trim().toLowerCase(Locale.ROOT);
            if (!TAXONOMY.contains(s)) {
                throw Refusal.invalid("unknown label '" + l + "' (expected one of " + String.join(", ", TAXONOMY) + ")");
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    public static String join(List<String> labels) {
        return String.join(",", labels);
    }

    public static List<String> split(String stored) {
        if (stored == null || stored.isEmpty()) return List.of();
        return List.of(stored.split(","));
    }
}
