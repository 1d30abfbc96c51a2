package org.sightline.ingest.preview;

/** The blurred greyscale preview and the reveal derivative of one image. */
public record Derivatives(Derivative preview, Derivative reveal) {
}
