package org.sightline.hashing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A small greyscale copy of an image, shrunk by area averaging (each output pixel is the mean of the
 * source pixels that fall in its cell) so that the longest side is at most {@code maxSide}. pHash and dHash
 * are computed on it: JImageHash's own nearest-neighbour sampling of a full-size image lets re-encodes of
 * the same picture drift by many bits, an averaged derivative does not. It is fed PDQ's luma rows as the
 * PDQ pass computes them ({@link PdqHasher.LumaObserver}), so the pixels are read once.
 */
final class GreyDerivative implements PdqHasher.LumaObserver {
    private final int width;
    private final int height;
    private final int targetWidth;
    private final int targetHeight;
    private final int[] cellStart;
    private final double[] sums;
    private final int[] counts;
    private int rowsSeen;

    GreyDerivative(int width, int height, int maxSide) {
        this.width = width;
        this.height = height;
        double scale = Math.max(1.0, Math.max(width, height) / (double) maxSide);
        this.targetWidth = Math.max(1, (int) Math.round(width / scale));
        this.targetHeight = Math.max(1, (int) Math.round(height / scale));
        // cellStart[c] = first source column of output column c; cellStart[targetWidth] = width
        this.cellStart = new int[targetWidth + 1];
        for (int c = 0; c <= targetWidth; c++) {
            cellStart[c] = (int) (((long) c * width + targetWidth - 1) / targetWidth);
        }
        this.sums = new double[targetWidth * targetHeight];
        this.counts = new int[targetWidth * targetHeight];
    }

    /** The derivative of a whole image, reading its luma directly. */
    static BufferedImage of(BufferedImage image, int maxSide) {
        GreyDerivative derivative = new GreyDerivative(image.getWidth(), image.getHeight(), maxSide);
        LumaReader reader = new LumaReader(image);
        float[] row = new float[image.getWidth()];
        for (int y = 0; y < image.getHeight(); y++) {
            reader.readRow(y, row);
            derivative.row(y, row, image.getWidth());
        }
        return derivative.image();
    }

    boolean complete() {
        return rowsSeen == height;
    }

    @Override
    public void row(int y, float[] luma, int w) {
        int base = (int) ((long) y * targetHeight / height) * targetWidth;
        for (int c = 0; c < targetWidth; c++) {
            // four partial sums so consecutive additions do not wait on each other
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            int x = cellStart[c];
            int end = cellStart[c + 1];
            for (; x + 3 < end; x += 4) {
                s0 += luma[x];
                s1 += luma[x + 1];
                s2 += luma[x + 2];
                s3 += luma[x + 3];
            }
            for (; x < end; x++) s0 += luma[x];
            sums[base + c] += (double) s0 + s1 + s2 + s3;
            counts[base + c] += end - cellStart[c];
        }
        rowsSeen++;
    }

    BufferedImage image() {
        BufferedImage out = new BufferedImage(targetWidth, targetHeight, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.min(255, Math.round(sums[i] / Math.max(1, counts[i])));
        }
        return out;
    }
}
