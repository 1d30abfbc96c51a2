/**
 * Mastodon webhooks: check {@link org.sightline.ingest.mastodon.WebhookSignature#verify} over the raw body
 * first (401 when false), then {@link org.sightline.ingest.mastodon.MastodonWebhookParser#parse} gives a
 * {@link org.sightline.ingest.mastodon.MastodonEvent} to persist under its dedupe key, an
 * {@link org.sightline.ingest.mastodon.IgnoredEvent} (answer 202, store nothing) or a
 * {@link org.sightline.ingest.mastodon.MalformedEvent} (answer 400 with its reason).
 */
package org.sightline.ingest.mastodon;
