package org.sightline.fetch;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * What one fetch produced.
 *
 * @param outcome     {@code ok}, or why there are no bytes
 * @param status      the last HTTP status seen, 0 when no response arrived
 * @param bytes       the body when {@code ok}, else an empty array; not copied, do not change it
 * @param contentType the response's {@code Content-Type} ({@code null} when absent); a hint only, the
 *                    decoder sniffs magic bytes
 * @param finalUri    the URI of the last request made (after redirects)
 * @param reason      one line for logs and the review queue: never bytes, never a query string
 * @param retryable   whether a later attempt may succeed (5xx, 408/429, timeouts, connection errors)
 * @param headers     the response headers of a successful fetch, names in lower case (empty otherwise)
 */
public record FetchResult(Outcome outcome, int status, byte[] bytes, String contentType, URI finalUri,
                          String reason, boolean retryable, Map<String, String> headers) {

    public enum Outcome {
        OK, TOO_LARGE, FETCH_FAILED, GONE;

        /** The scan outcome name used in storage and the API: {@code ok}, {@code too_large}, ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final byte[] NONE = new byte[0];

    static FetchResult ok(int status, byte[] bytes, String contentType, URI finalUri, Map<String, String> headers) {
        return new FetchResult(Outcome.OK, status, bytes, contentType, finalUri,
                "fetched " + bytes.length + " bytes", false, headers);
    }

    static FetchResult tooLarge(int status, URI finalUri, String reason) {
        return new FetchResult(Outcome.TOO_LARGE, status, NONE, null, finalUri, reason, false, Map.of());
    }

    static FetchResult gone(int status, URI finalUri) {
        return new FetchResult(Outcome.GONE, status, NONE, null, finalUri,
                "HTTP " + status + " from " + MediaFetcher.redact(finalUri), false, Map.of());
    }

    static FetchResult failed(int status, URI finalUri, String reason, boolean retryable) {
        return new FetchResult(Outcome.FETCH_FAILED, status, NONE, null, finalUri, reason, retryable, Map.of());
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    @Override
    public String toString() {
        // no bytes and no query string, so a result can be logged as it is
        return "FetchResult[" + outcome.label() + ", status=" + status + ", bytes=" + bytes.length
                + ", contentType=" + contentType + ", finalUri=" + MediaFetcher.redact(finalUri)
                + ", reason=" + reason + ", retryable=" + retryable + "]";
    }
}
