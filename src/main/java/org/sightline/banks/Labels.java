package org.sightline.banks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The label taxonomy's wire names ({@link Label}), and the comma-separated form labels are stored in. */
public final class Labels {
    /** Strings: labels travel as words (stored, in list files, to plugins, compared in templates). */
    public static final List<String> TAXONOMY = Arrays.stream(Label.values()).map(Label::wireName).toList();

    private Labels() {
    }

    /** Validates and de-duplicates labels, keeping their order. */
    public static List<String> validate(Collection<String> labels) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : labels) out.add(Label.parse(l).wireName());
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
