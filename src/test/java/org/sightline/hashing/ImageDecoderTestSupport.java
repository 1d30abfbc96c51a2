package org.sightline.hashing;

/** Test images other packages' tests need. */
public final class ImageDecoderTestSupport {
    private ImageDecoderTestSupport() {
    }

    /** A tiny PNG whose header declares 50 000 × 50 000 pixels. */
    public static byte[] pngBomb() {
        return ImageDecoderTest.png(50_000, 50_000, new byte[]{0, 0, 0, 0});
    }
}
