package org.sightline.ingest.preview;

/**
 * Sizes of the panel's derivatives.
 *
 * @param previewMaxSide longest side of the blurred greyscale preview (≤ 320 by default)
 * @param blurGridSide   the preview is rebuilt from a grid this small (longest side): nothing finer than one
 *                       cell survives, which is what makes it unrecognisable; smaller is blurrier
 * @param blurPasses     box-blur passes (radius one cell) over that grid; with the final smoothing they approximate a Gaussian
 * @param revealMaxSide  longest side of the un-blurred colour derivative shown on a deliberate reveal
 * @param jpegQuality    0..1
 */
public record PreviewSettings(int previewMaxSide, int blurGridSide, int blurPasses, int revealMaxSide,
                              float jpegQuality) {
    public PreviewSettings {
        if (previewMaxSide < 1 || revealMaxSide < 1 || blurGridSide < 1 || blurPasses < 0) {
            throw new IllegalArgumentException("preview sizes must be positive");
        }
        if (!(jpegQuality > 0f && jpegQuality <= 1f)) throw new IllegalArgumentException("jpegQuality is in (0, 1]");
    }

    public static PreviewSettings defaults() {
        return new PreviewSettings(320, 40, 2, 640, 0.85f);
    }
}
