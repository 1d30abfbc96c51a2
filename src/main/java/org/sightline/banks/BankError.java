package org.sightline.banks;

/** A request the bank service refuses; the handler maps the kind to an HTTP status. */
public final class BankError extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    private BankError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static BankError invalid(String message) {
        return new BankError(Kind.INVALID, message);
    }

    public static BankError notFound(String message) {
        return new BankError(Kind.NOT_FOUND, message);
    }

    public static BankError conflict(String message) {
        return new BankError(Kind.CONFLICT, message);
    }

    public Kind kind() {
        return kind;
    }
}
