package org.sightline.users;

import org.sightline.access.User;

/** The outcome of a login attempt; {@code token} is set only on success. */
public record LoginResult(Outcome outcome, String token, User user) {
    public enum Outcome { OK, BAD_CREDENTIALS, THROTTLED, BUSY }

    static LoginResult ok(String token, User user) {
        return new LoginResult(Outcome.OK, token, user);
    }

    static LoginResult failed(Outcome outcome) {
        return new LoginResult(outcome, null, null);
    }
}
