package org.sightline.decide;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the scanner plugins said of an image: the labels whose score reached their threshold, or why a
 * scanner could not answer (then the media goes to review: fail closed).
 */
public record Classification(Map<String, Double> flagged, String error) {
    public static final Classification NONE = new Classification(Map.of(), null);

    public boolean empty() {
        return flagged.isEmpty() && error == null;
    }

    public double strongest() {
        return flagged.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    public String summary() {
        if (error != null) return "scanner failed: " + error;
        return "classifier: " + flagged.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, "%.2f", e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
