package org.sightline.access;

/** A logged-in session: its row id, the user, and the CSRF token bound to it. */
public record PanelSession(long id, User user, String csrfToken) {
}
