package org.sightline.cli;

/** An error caused by the user's input, printed as one line without a stack trace. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
