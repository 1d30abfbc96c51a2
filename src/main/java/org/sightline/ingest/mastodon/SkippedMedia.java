package org.sightline.ingest.mastodon;

/** An attachment with nothing to scan (audio without artwork, no usable URL), and why. */
public record SkippedMedia(String attachmentId, String mediaType, String statusId, String reason) {
}
