package org.sightline.classify;

import java.util.LinkedHashMap;
import java.util.Map;

/** One model's class probabilities for one image, with the model that produced them. */
public record ClassScores(String model, String version, Map<String, Double> scores) {
    public ClassScores {
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    public double score(String label) {
        return scores.getOrDefault(label, 0.0);
    }
}
