package org.sightline.web;

import io.javalin.http.Context;

/**
 * The client's address for login throttling. Behind a reverse proxy every request comes from the proxy, so
 * with {@code http.forwarded_for: true} the last address of {@code X-Forwarded-For} (the one our proxy appended;
 * earlier ones are the client's to forge) is used instead.
 */
public final class ClientAddress {
    private final boolean trustForwardedFor;

    public ClientAddress(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    public String of(Context ctx) {
        if (trustForwardedFor) {
            String xff = ctx.header("X-Forwarded-For");
            if (xff != null && !xff.isBlank()) {
                String[] hops = xff.split(",");
                String last = hops[hops.length - 1].trim();
                if (!last.isEmpty()) return last;
            }
        }
        return ctx.ip();
    }
}
