package org.sightline.ingest.mastodon;

/** A well-formed webhook of a type Sightline does not handle ({@code account.*}, {@code report.updated}, ...). */
public record IgnoredEvent(String eventType) implements WebhookParse {
}
