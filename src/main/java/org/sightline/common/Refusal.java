package org.sightline.common;

import java.util.Locale;

/**
 * A request a service refuses, in domain words: what kind of refusal, a short machine code and a message safe
 * to show (no secrets, no payloads). Services throw it and know nothing of HTTP; the one mapper in the
 * composition root turns it into the JSON error or the panel's error page.
 */
public class Refusal extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        /** The request itself is wrong (a missing field, a bad value). */
        INVALID("bad_request"),
        /** No credentials, or credentials that do not check out. */
        UNAUTHENTICATED("unauthorized"),
        /** The caller is known but may not do this. */
        FORBIDDEN("forbidden"),
        NOT_FOUND("not_found"),
        /** The state of things does not allow it now (already decided, taken, changed meanwhile). */
        CONFLICT("conflict"),
        /** The input is larger than allowed. */
        TOO_LARGE("too_large"),
        /** Well-formed, but refused on its content (a list document that fails verification). */
        UNPROCESSABLE("unprocessable"),
        /** Another server this request depends on failed or answered nonsense. */
        UPSTREAM_FAILED("bad_gateway"),
        /** Sightline cannot do it right now (not ready, overloaded, switched off). */
        UNAVAILABLE("unavailable");

        private final String defaultCode;

        Kind(String defaultCode) {
            this.defaultCode = defaultCode;
        }

        public String defaultCode() {
            return defaultCode;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final String code;

    public Refusal(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code == null ? kind.defaultCode() : code;
    }

    public Refusal(Kind kind, String message) {
        this(kind, null, message);
    }

    public static Refusal invalid(String message) {
        return new Refusal(Kind.INVALID, message);
    }

    public static Refusal notFound(String message) {
        return new Refusal(Kind.NOT_FOUND, message);
    }

    public static Refusal conflict(String message) {
        return new Refusal(Kind.CONFLICT, message);
    }

    public static Refusal forbidden(String message) {
        return new Refusal(Kind.FORBIDDEN, message);
    }

    public static Refusal unavailable(String message) {
        return new Refusal(Kind.UNAVAILABLE, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The short machine-readable code clients match on ({@code "error"} in JSON). */
    public String code() {
        return code;
    }
}
