package org.sightline.ingest;

import java.util.List;
import java.util.Map;

/**
 * The classifiers that run on every scanned image (scanner plugins), as ingest sees them: a name, a threshold
 * and a function. Implemented where the plugins live; ingest knows nothing of plugin loading or settings.
 */
public interface Scanners {

    /** The enabled scanners for media from an instance of {@code instanceKind} (null: not from an instance). */
    List<Configured> forInstanceKind(String instanceKind);

    /** One scanner with its settings applied. */
    record Configured(String name, double threshold, Scan scan) {
    }

    @FunctionalInterface
    interface Scan {
        /** Scores by label in [0, 1]; any exception means the scanner could not answer (fail closed). */
        Map<String, Double> scan(byte[] bytes, String mediaType, String url) throws Exception;
    }

    Scanners NONE = kind -> List.of();
}
