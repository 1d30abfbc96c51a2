package org.sightline.actions;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Produces classifications for a media item beyond the built-in hashing (e.g. a call to a classifier
 * service). Found with {@link java.util.ServiceLoader} like {@link Action}. A scanner that fails or times
 * out sends the media to review (fail closed).
 */
public interface Scanner {
    String name();

    Set<String> instanceKinds();

    List<ConfigField> configSchema();

    default boolean enabled(Map<String, String> config) {
        return true;
    }

    /** Scores per label in 0..1 for the image {@code bytes} (fetched from {@code url} when known). */
    Map<String, Double> scan(byte[] bytes, String mediaType, String url, Map<String, String> config) throws Exception;
}
