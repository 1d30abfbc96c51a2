package org.sightline.actions.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import org.sightline.actions.ConfigField;
import org.sightline.actions.Scanner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls a classifier service with the image bytes and reads a score per label. Understands the
 * {@code {"score": 0..1}} shape of the NSFW API Pleroma uses (read as label {@code sexual}),
 * {@code {"scores": {"label": score}}} and a flat {@code {"label": score}} object. Any error or timeout
 * is thrown, and the media goes to review (fail closed).
 */
public final class HttpClassifierScanner implements Scanner {
    private final java.net.http.HttpClient client = InstanceHttp.newClient();

    @Override
    public String name() {
        return "http_classifier";
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of();
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of(new ConfigField("url", "classifier endpoint receiving the image bytes", false, null, ConfigField.Type.URL),
                new ConfigField("token", "bearer token for the classifier, if it needs one", true, null),
                new ConfigField("timeout_ms", "time allowed per image", false, "5000", ConfigField.Type.INTEGER),
                new ConfigField("threshold", "score from which a label sends the media to review", false, "0.8",
                        ConfigField.Type.NUMBER));
    }

    @Override
    public List<String> checkSettings(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        String timeout = settings.get("timeout_ms");
        boolean timeoutFits = timeout == null
                || timeout.matches("\\d{3,5}") && Long.parseLong(timeout) >= 100 && Long.parseLong(timeout) <= 60_000;
        if (!timeoutFits) {
            problems.add("timeout_ms must be from 100 to 60000");
        }
        String threshold = settings.get("threshold");
        double t;
        try {
            t = threshold == null ? 0.8 : Double.parseDouble(threshold);
        } catch (NumberFormatException e) {
            t = Double.NaN;
        }
        if (!(t > 0 && t <= 1)) problems.add("threshold must be above 0 and at most 1");
        return problems;
    }

    @Override
    public boolean enabled(Map<String, String> config) {
        return config.get("url") != null;
    }

    @Override
    public Map<String, Double> scan(byte[] bytes, String mediaType, String url, Map<String, String> config) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.get("url")))
                .timeout(Duration.ofMillis(Long.parseLong(config.getOrDefault("timeout_ms", "5000"))))
                .header("Content-Type", mediaType == null ? "application/octet-stream" : mediaType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (config.get("token") != null) b.header("Authorization", "Bearer " + config.get("token"));
        var response = client.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("classifier answered HTTP " + response.statusCode());
        return scores(InstanceHttp.JSON.readTree(response.body()));
    }

    static Map<String, Double> scores(JsonNode root) throws IOException {
        if (root == null || !root.isObject()) throw new IOException("classifier answer is not a JSON object");
        Map<String, Double> scores = new LinkedHashMap<>();
        if (root.has("score") && root.get("score").isNumber()) {
            scores.put("sexual", root.get("score").asDouble());
            return scores;
        }
        JsonNode node = root.has("scores") ? root.get("scores") : root;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNumber()) scores.put(e.getKey(), e.getValue().asDouble());
        }
        if (scores.isEmpty()) throw new IOException("classifier answer has no scores");
        return scores;
    }
}
