package org.sightline.hashing;

import java.awt.image.BufferedImage;

/**
 * PDQ written the way Meta's Java reference is: luma through per-pixel {@code getRGB}, two full-size float
 * buffers, and the column box filter walking down each column. Kept as the baseline that {@code bench hash}
 * measures {@link PdqHasher} against, and (through {@link #hashLuma}) as an independent check of the
 * streaming implementation's bits. Not used to hash media.
 */
public final class ReferencePdq {
    private final float[][] dct = PdqHasher.dctMatrix();

    /** The reference's own path: {@code getRGB} per pixel (note: it alters greyscale images). */
    public PdqResult hash(BufferedImage image) {
        int rows = image.getHeight();
        int cols = image.getWidth();
        float[] luma = new float[rows * cols];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                int rgb = image.getRGB(x, y);
                luma[y * cols + x] = LumaReader.luma((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
            }
        }
        return hashLuma(luma, rows, cols);
    }

    public PdqResult hashLuma(float[] luma, int rows, int cols) {
        if (rows < 5 || cols < 5) return PdqResult.tiny();
        float[] buffer1 = luma.clone();
        float[] buffer2 = new float[rows * cols];
        int wr = BoxFilter.windowSize(cols);
        int wc = BoxFilter.windowSize(rows);
        for (int round = 0; round < 2; round++) {
            for (int y = 0; y < rows; y++) {
                BoxFilter.filter(buffer1, y * cols, buffer2, y * cols, cols, wr);
            }
            for (int x = 0; x < cols; x++) {
                columnFilter(buffer2, buffer1, x, rows, cols, wc);
            }
        }
        float[] block = new float[64 * 64];
        for (int i = 0; i < 64; i++) {
            int row = (int) (((i + 0.5) * rows) / 64);
            for (int j = 0; j < 64; j++) {
                int col = (int) (((j + 0.5) * cols) / 64);
                block[i * 64 + j] = buffer1[row * cols + col];
            }
        }
        return PdqHasher.fromBlock(block, dct, new float[16 * 64]);
    }

    /** The box filter down column {@code x} (stride {@code cols}), as the reference walks it. */
    private static void columnFilter(float[] in, float[] out, int x, int n, int stride, int w) {
        int half = (w + 2) / 2;
        float sum = 0f;
        int count = 0;
        int ri = x;
        int li = x;
        int oi = x;
        for (int i = 0; i < half - 1; i++, ri += stride) {
            sum += in[ri];
            count++;
        }
        for (int i = 0; i < w - half + 1; i++, ri += stride, oi += stride) {
            sum += in[ri];
            count++;
            out[oi] = sum / count;
        }
        for (int i = 0; i < n - w; i++, ri += stride, li += stride, oi += stride) {
            sum += in[ri];
            sum -= in[li];
            out[oi] = sum / count;
        }
        for (int i = 0; i < half - 1; i++, li += stride, oi += stride) {
            sum -= in[li];
            count--;
            out[oi] = sum / count;
        }
    }
}
