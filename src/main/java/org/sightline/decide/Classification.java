package org.sightline.decide;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the classifiers said of an image: every classifier's own scores ({@code results}, so that a case shows
 * where they disagree), the labels a scanner plugin flagged at its threshold, or why a classifier could not
 * answer (then the media goes to review: fail closed).
 *
 * <p>Scores of several classifiers combine by the <b>maximum per label</b>: the most worried classifier counts,
 * so adding a classifier can raise a score but never hide another's.
 */
public record Classification(Map<String, Double> flagged, String error, List<Result> results) {
    public static final Classification NONE = new Classification(Map.of(), null, List.of());

    /** The labels nsfwjs' model uses for sexual content; their combined sum is the adult score. */
    public static final List<String> ADULT_LABELS = List.of("porn", "hentai");

    public Classification(Map<String, Double> flagged, String error) {
        this(flagged, error, List.of());
    }

    /** One classifier's answer: its scores by label, or the error it failed with. */
    public record Result(String classifier, String model, String version, Map<String, Double> scores, String error) {
    }

    public double strongest() {
        return flagged.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** Every label's combined score: the maximum over the classifiers that answered. */
    public Map<String, Double> combined() {
        Map<String, Double> combined = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.scores() != null) r.scores().forEach((label, score) -> combined.merge(label, score, Math::max));
        }
        return combined;
    }

    /** Combined porn + hentai: how sure the classifiers are that the image is sexually explicit. */
    public double adultScore() {
        Map<String, Double> combined = combined();
        return ADULT_LABELS.stream().mapToDouble(l -> combined.getOrDefault(l, 0.0)).sum();
    }

    public String summary() {
        if (error != null) return "scanner failed: " + error;
        return "classifier: " + flagged.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f", e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
