package org.sightline.web;

/**
 * An error answered to an API client as {@code {"error": code, "message": ...}} with the given status.
 * Thrown by handlers; the message must be safe to show (no secrets, no payloads).
 */
public class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
