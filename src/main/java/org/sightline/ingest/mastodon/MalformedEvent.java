package org.sightline.ingest.mastodon;

/** A body that is not a usable webhook; {@code reason} is one line and quotes nothing from the body. */
public record MalformedEvent(String reason) implements WebhookParse {
}
