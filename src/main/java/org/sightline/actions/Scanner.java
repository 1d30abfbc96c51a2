package org.sightline.actions;

import java.util.Map;

/**
 * Produces classifications for a media item beyond the built-in hashing (e.g. a call to a classifier
 * service). Found with {@link java.util.ServiceLoader} like {@link Action}. A scanner that fails or times
 * out sends the media to review (fail closed).
 */
public interface Scanner extends Plugin {
    /** Scores per label in 0..1 for the image {@code bytes} (fetched from {@code url} when known). */
    Map<String, Double> scan(byte[] bytes, String mediaType, String url, Map<String, String> config) throws Exception;
}
