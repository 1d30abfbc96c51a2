package org.sightline.exchanges.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.exchanges.Exchange;
import org.sightline.exchanges.ExchangeException;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * StopNCII.org's {@code FetchHashes}: {@code GET {base}/FetchHashes?startTimestamp=&pageSize=&nextPageToken=} with
 * the function key ({@code x-functions-key}) and the API Management key ({@code Ocp-Apim-Subscription-Key}); pages
 * by {@code nextPageToken} while {@code hasMoreRecords}, then resumes from {@code nextSetTimestamp}. A record whose
 * {@code hashStatus} is {@code Withdrawn} or {@code Deleted} removes the entry.
 * Checkpoint: {@code <startTimestamp>|<nextPageToken>}.
 */
public final class StopNcii implements Exchange {
    static final String BASE_URL = "https://api.stopncii.org/v1";
    /** StopNCII's own client starts here (a timestamp of 0 is refused). */
    static final long START = 10;
    static final int PAGE_SIZE = 800;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "stop_ncii";
    }

    @Override
    public List<Field> configSchema() {
        return List.of();
    }

    @Override
    public List<Field> credentialSchema() {
        return List.of(
                Field.string("fetch_function_key", true, "API key for the Fetch Hashes endpoint. Used when downloading hashes from StopNCII."),
                Field.string("subscription_key", true, "Azure API Management subscription key. Sent as Ocp-Apim-Subscription-Key on all requests."),
                Field.string("base_url_override", false, "Optional. Override the API base URL (e.g. for testing). Leave blank to use " + BASE_URL),
                // StopNCII gives each endpoint its own function key; without this one, no opinion is sent
                Field.string("submit_feedback_function_key", false, "Optional. API key for the Submit Feedback endpoint."
                        + " Used to tell StopNCII that a hash matched something that is not NCII (a moderator's false positive or dispute)."));
    }

    @Override
    public String feedbackUnavailable(Map<String, String> credentials) {
        String key = credentials.get("submit_feedback_function_key");
        return key == null || key.isBlank() ? "StopNCII takes feedback with a Submit Feedback function key: set"
                + " submit_feedback_function_key in its credentials" : null;
    }

    /**
     * StopNCII's {@code SubmitFeedback}: {@code POST {base}/SubmitFeedback} with that endpoint's function key and the
     * subscription key, {@code {"count": 1, "hashFeedbacks": [{"tags": [...], "feedbackValue": "NotBlocked",
     * "hashValue": "<hex>"}]}}, as python-threatexchange's {@code submit_feedbacks} sends it. {@code NotBlocked}
     * ("match reviewed, inconclusive if NCII") is StopNCII's word for both opinions; the tag says which.
     */
    @Override
    public void feedback(Feedback f) throws ExchangeException {
        String why = feedbackUnavailable(f.credentials());
        if (why != null) throw new ExchangeException(why);
        String subscriptionKey = f.credentials().get("subscription_key");
        if (subscriptionKey == null || subscriptionKey.isBlank()) throw new ExchangeException("StopNCII credentials are not set (subscription_key)");
        String base = f.credentials().getOrDefault("base_url_override", "");
        if (base == null || base.isBlank()) base = BASE_URL;
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("tags", List.of(f.opinion()));
        one.put("feedbackValue", "NotBlocked");
        one.put("hashValue", f.signalValue());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("count", 1);
        payload.put("hashFeedbacks", List.of(one));
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings is JSON", e);
        }
        Http.Response r = f.sender().send("POST", base + "/SubmitFeedback", Map.of(
                "x-functions-key", f.credentials().get("submit_feedback_function_key"),
                "Ocp-Apim-Subscription-Key", subscriptionKey, "Accept", "application/json"), "application/json", body);
        if (r.status() == 401 || r.status() == 403) {
            throw new ExchangeException("StopNCII refused the Submit Feedback credentials (HTTP " + r.status() + ")");
        }
        if (!r.ok()) throw new ExchangeException("StopNCII SubmitFeedback failed: " + (r.status() == 0 ? r.error() : "HTTP " + r.status()));
    }

    @Override
    public Page fetch(Request request) throws ExchangeException {
        Map<String, String> creds = request.credentials();
        String functionKey = creds.get("fetch_function_key");
        String subscriptionKey = creds.get("subscription_key");
        if (functionKey == null || functionKey.isBlank() || subscriptionKey == null || subscriptionKey.isBlank()) {
            throw new ExchangeException("StopNCII credentials are not set (fetch_function_key and subscription_key)");
        }
        String base = creds.getOrDefault("base_url_override", "");
        if (base == null || base.isBlank()) base = BASE_URL;
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        long start = START;
        String token = "";
        if (request.checkpoint() != null && !request.checkpoint().isEmpty()) {
            String[] parts = request.checkpoint().split("\\|", 2);
            start = Long.parseLong(parts[0]);
            token = parts.length > 1 ? parts[1] : "";
        }
        String url = base + "/FetchHashes?startTimestamp=" + start + "&pageSize=" + PAGE_SIZE
                + (token.isEmpty() ? "" : "&nextPageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        Http.Response r = request.http().get(url, Map.of("x-functions-key", functionKey,
                "Ocp-Apim-Subscription-Key", subscriptionKey, "Accept", "application/json"));
        if (r.status() == 401 || r.status() == 403) {
            throw new ExchangeException("StopNCII refused the credentials (HTTP " + r.status() + ")");
        }
        if (!r.ok()) {
            throw new ExchangeException("StopNCII FetchHashes failed: " + (r.status() == 0 ? r.error() : "HTTP " + r.status()));
        }
        JsonNode page;
        try {
            page = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ExchangeException("StopNCII answered something that is not JSON");
        }
        if (page == null || !page.isObject()) throw new ExchangeException("StopNCII answered something that is not a JSON object");
        List<Update> updates = new ArrayList<>();
        for (JsonNode rec : page.path("hashRecords")) {
            String type = rec.path("signalType").asText("");
            String value = rec.path("hashValue").asText("").toLowerCase(Locale.ROOT);
            String signal = switch (type) {
                case "ImagePDQ" -> "pdq";
                case "VideoMD5" -> "md5";
                default -> null;
            };
            if (signal == null || value.isEmpty()) continue;
            String id = type + ":" + value;
            String status = rec.path("hashStatus").asText("");
            if (status.equals("Withdrawn") || status.equals("Deleted")) {
                updates.add(Update.deletion(id));
            } else {
                Map<String, String> signals = new LinkedHashMap<>();
                signals.put(signal, value);
                updates.add(new Update(id, signals, false));
            }
        }
        boolean more = page.path("hasMoreRecords").asBoolean(false);
        String next = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : "";
        if (more && !next.isEmpty()) {
            return new Page(updates, start + "|" + next, null, true, false);
        }
        long nextSet = page.path("nextSetTimestamp").asLong(start);
        return new Page(updates, nextSet + "|", nextSet, false, false);
    }
}
