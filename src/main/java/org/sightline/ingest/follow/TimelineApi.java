package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.instances.Watch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Mastodon's documented client API for reading public timelines: {@code GET /api/v1/timelines/public}
 * ({@code local}/{@code remote}, {@code only_media}, {@code min_id}/{@code max_id}, {@code limit} up to 40),
 * {@code GET /api/v2/instance} for the streaming host ({@code configuration.urls.streaming}) and the
 * server-sent-event streams {@code /api/v1/streaming/public[/local|/remote]?only_media=true}. The token goes in
 * the {@code Authorization} header, never in a URL that could be logged.
 */
final class TimelineApi {
    static final int PAGE = 40;
    private static final String USER_AGENT = "Sightline/0.1 (+media scanning)";

    /** Why a call failed: {@code stop} for a refused token, a {@code wait} the instance asked for (429). */
    static final class ApiFailure extends Exception {
        final boolean stop;
        final Duration wait;

        ApiFailure(String message, boolean stop, Duration wait) {
            super(message, null, false, false);
            this.stop = stop;
            this.wait = wait;
        }
    }

    /** One timeline page as answered (newest first), and how long to wait before the next call (rate limit). */
    record Page(List<JsonNode> statuses, Duration pause) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;

    TimelineApi(Clock clock) {
        this.clock = clock;
    }

    /** One page of the watched public timeline; {@code param} is {@code min_id} or {@code max_id} (or null). */
    Page timeline(String base, String token, Watch watch, String param, String id, int limit) throws ApiFailure {
        StringBuilder q = new StringBuilder(base).append("/api/v1/timelines/public?");
        if (watch == Watch.LOCAL) q.append("local=true&");
        if (watch == Watch.REMOTE) q.append("remote=true&");
        q.append("only_media=true");
        if (param != null && id != null) q.append('&').append(param).append('=').append(URLEncoder.encode(id, StandardCharsets.UTF_8));
        q.append("&limit=").append(limit);
        HttpResponse<String> response = send(request(q.toString(), token).GET().build(), HttpResponse.BodyHandlers.ofString(),
                "timelines/public");
        check(response.statusCode(), response.headers(), "timelines/public");
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isArray()) throw new ApiFailure("timelines/public did not answer a JSON array", false, null);
        List<JsonNode> statuses = new ArrayList<>();
        answer.forEach(s -> {
            if (s.isObject() && s.path("id").isTextual()) statuses.add(s);
        });
        return new Page(statuses, pause(response.headers()));
    }

    /**
     * Where the instance serves its streaming API: {@code configuration.urls.streaming} of {@code /api/v2/instance}
     * ({@code wss://…} read as {@code https://…}), or the instance's own URL when it names none.
     */
    String streamingBase(String base, String token) {
        try {
            HttpResponse<String> r = http.send(request(base + "/api/v2/instance", token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return base;
            String streaming = json.readTree(r.body()).path("configuration").path("urls").path("streaming").asText("");
            URI uri = URI.create(streaming.trim());
            String scheme = switch (String.valueOf(uri.getScheme())) {
                case "wss", "https" -> "https";
                case "ws", "http" -> "http";
                default -> null;
            };
            if (scheme == null || uri.getHost() == null) return base;
            return scheme + "://" + uri.getRawAuthority();
        } catch (IOException | IllegalArgumentException e) {
            return base;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return base;
        }
    }

    /** Opens the server-sent-event stream of the watched timeline (only statuses with media). */
    InputStream openStream(String streamingBase, String token, Watch watch) throws ApiFailure {
        String path = switch (watch) {
            case LOCAL -> "/api/v1/streaming/public/local";
            case REMOTE -> "/api/v1/streaming/public/remote";
            default -> "/api/v1/streaming/public";
        };
        HttpRequest request = request(streamingBase + path + "?only_media=true", token)
                .header("Accept", "text/event-stream").timeout(Duration.ofDays(365)).GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream(), "streaming");
        try {
            check(response.statusCode(), response.headers(), "streaming");
        } catch (ApiFailure e) {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw e;
        }
        return response.body();
    }

    private HttpRequest.Builder request(String url, String token) throws IllegalArgumentException {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("User-Agent", USER_AGENT);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, String what) throws ApiFailure {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new ApiFailure(what + ": connection failed (" + e.getClass().getSimpleName() + ")", false, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure(what + ": interrupted", false, null);
        }
    }

    private void check(int status, HttpHeaders headers, String what) throws ApiFailure {
        if (status == 200) return;
        if (status == 401 || status == 403) {
            throw new ApiFailure(what + " answered HTTP " + status + ": the instance refused the token. Connect the"
                    + " instance again with the read:statuses scope (or paste a token that has it), then set its"
                    + " watch again", true, null);
        }
        if (status == 429) {
            Duration wait = pause(headers);
            throw new ApiFailure(what + " answered HTTP 429: rate limited" + (wait == null ? "" : ", waiting "
                    + wait.toSeconds() + " s"), false, wait);
        }
        throw new ApiFailure(what + " answered HTTP " + status, false, null);
    }

    /**
     * How long the instance asks to wait: until {@code X-RateLimit-Reset} (an ISO 8601 time) when
     * {@code X-RateLimit-Remaining} is 0 or on a 429, or {@code Retry-After} seconds; null when nothing is asked.
     */
    Duration pause(HttpHeaders headers) {
        String remaining = headers.firstValue("X-RateLimit-Remaining").orElse(null);
        String reset = headers.firstValue("X-RateLimit-Reset").orElse(null);
        String retryAfter = headers.firstValue("Retry-After").orElse(null);
        boolean exhausted = remaining != null && remaining.trim().equals("0");
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException ignored) {
                // an HTTP date: use the reset header instead
            }
        }
        if (reset != null && (exhausted || remaining == null)) {
            try {
                Duration d = Duration.between(clock.instant(), Instant.parse(reset.trim()));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
        return null;
    }
}
