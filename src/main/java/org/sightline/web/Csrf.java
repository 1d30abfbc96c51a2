package org.sightline.web;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Compares a submitted CSRF token (hidden field {@code csrf} or header {@code X-CSRF-Token}) in constant time. */
public final class Csrf {
    public static final String FIELD = "csrf";
    public static final String HEADER = "X-CSRF-Token";

    private Csrf() {
    }

    public static boolean valid(Context ctx, String expected) {
        if (expected == null || expected.isEmpty()) return false;
        String got = ctx.header(HEADER);
        if (got == null) got = ctx.formParam(FIELD);
        if (got == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), got.getBytes(StandardCharsets.UTF_8));
    }
}
