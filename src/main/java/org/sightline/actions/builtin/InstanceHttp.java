package org.sightline.actions.builtin;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.PluginInstance;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Calls to an instance's own API with its stored token. The instance URL is the admin's configuration (not
 * user input), so it is called directly; answers are reduced to an {@link ActionOutcome} without bodies.
 */
final class InstanceHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private InstanceHttp() {
    }

    /** Each plugin instance keeps its own client (plugins are created per app, so nothing is shared). */
    static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A form with repeated keys allowed ({@code status_ids[]}). */
    static String form(List<Map.Entry<String, String>> fields) {
        StringJoiner j = new StringJoiner("&");
        for (Map.Entry<String, String> f : fields) {
            j.add(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8));
        }
        return j.toString();
    }

    /** A call with the token as a bearer header (Mastodon, Pleroma). */
    static HttpRequest.Builder request(PluginInstance instance, String path) {
        return unauthenticated(instance, path).header("Authorization", "Bearer " + instance.apiToken());
    }

    /** A call without an Authorization header, for APIs that take the token in the body (Misskey's {@code i}). */
    static HttpRequest.Builder unauthenticated(PluginInstance instance, String path) {
        return HttpRequest.newBuilder(URI.create(instance.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("User-Agent", "Sightline/0.1 (+moderation actions)");
    }

    /** Finishes {@code builder} with {@code body} serialised as JSON. */
    static HttpRequest json(HttpRequest.Builder builder, String method, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + body.getClass().getSimpleName(), e);
        }
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    /** Sends and reads the answer; network failures and timeouts are retryable. */
    static Answer send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (HttpTimeoutException e) {
            return new Answer(-1, "timed out");
        } catch (IOException e) {
            return new Answer(-1, "connection failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted");
        }
    }

    record Answer(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        ActionOutcome outcome(String what) {
            if (status < 0) return ActionOutcome.retry(null, what + ": " + body);
            return ActionOutcome.fromHttp(status, what);
        }

        /** As {@link #outcome(String)}, with the instance's own error code (never its whole body) after the status. */
        ActionOutcome outcome(String what, String errorCode) {
            ActionOutcome plain = outcome(what);
            if (status < 0 || errorCode == null) return plain;
            return new ActionOutcome(plain.status(), plain.httpStatus(), plain.detail() + " " + errorCode);
        }
    }

    static ActionOutcome missingToken(PluginInstance instance) {
        return ActionOutcome.failed(null, "instance " + (instance == null ? "(none)" : instance.name())
                + " has no API token: connect it first");
    }
}
