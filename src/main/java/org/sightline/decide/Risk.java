package org.sightline.decide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One media item's risk score, 0 to 100, and every contribution to it in plain words. The score is the sum
 * of the reasons' points, clamped to 0..100; the weights are configuration ({@link RiskWeights}).
 */
public record Risk(int score, List<Reason> reasons) {
    /**
     * One contribution. Its text is clipped to {@link #MAX_TEXT} characters here, where reasons are built, so that
     * the whole list (at most nine reasons) fits the 4000-character column as valid JSON: a classifier's error can
     * be any length.
     */
    public record Reason(int points, String text) {
        public static final int MAX_TEXT = 300;

        public Reason {
            if (text != null && text.length() > MAX_TEXT) text = text.substring(0, MAX_TEXT - 1) + "…";
        }
    }

    public Risk {
        reasons = List.copyOf(reasons);
    }

    static Risk of(List<Reason> reasons) {
        int sum = 0;
        List<Reason> kept = new ArrayList<>();
        for (Reason r : reasons) {
            if (r.points() == 0) continue;
            kept.add(r);
            sum += r.points();
        }
        return new Risk(Math.max(0, Math.min(100, sum)), kept);
    }

    /** The API's shape: {@code {score, reasons: [{points, text}]}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("score", score);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Reason r : reasons) {
            Map<String, Object> reason = new LinkedHashMap<>();
            reason.put("points", r.points());
            reason.put("text", r.text());
            list.add(reason);
        }
        json.put("reasons", list);
        return json;
    }
}
