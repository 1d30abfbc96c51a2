package org.sightline.ingest.mastodon;

/**
 * What a webhook body parsed into: a {@link MastodonEvent} to act on, an {@link IgnoredEvent} (an event type
 * Sightline does not handle: acknowledge it, store nothing), or a {@link MalformedEvent}.
 */
public sealed interface WebhookParse permits MastodonEvent, IgnoredEvent, MalformedEvent {
}
