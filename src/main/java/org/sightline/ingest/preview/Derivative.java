package org.sightline.ingest.preview;

/** An encoded derivative image: what the panel serves instead of the original. */
public record Derivative(byte[] bytes, String contentType, int width, int height) {
    @Override
    public String toString() {
        // never the bytes
        return "Derivative[" + contentType + ", " + width + "x" + height + ", " + bytes.length + " bytes]";
    }
}
