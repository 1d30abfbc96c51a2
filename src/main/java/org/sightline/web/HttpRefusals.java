package org.sightline.web;

import io.javalin.http.Context;
import org.sightline.common.Refusal;

import java.util.Map;

/**
 * The one place where a domain {@link Refusal} becomes HTTP: its status, and either the JSON error
 * {@code {"error", "message"}} for API clients or the error page for the panel.
 */
public final class HttpRefusals {
    private HttpRefusals() {
    }

    public static int status(Refusal refusal) {
        return switch (refusal.kind()) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case UPSTREAM_FAILED -> 502;
            case UNAVAILABLE -> 503;
        };
    }

    /** Answers a refusal: a page on panel routes, JSON everywhere else. */
    public static void answer(Refusal refusal, Context ctx, boolean panel) {
        if (panel) {
            Page.error(ctx, status(refusal), refusal.getMessage());
        } else {
            ctx.status(status(refusal)).json(Map.of("error", refusal.code(), "message", refusal.getMessage()));
        }
    }
}
