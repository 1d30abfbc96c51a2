package org.sightline.hashing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A small greyscale copy of an image, shrunk by area averaging (each output pixel is the mean of the
 * source pixels that fall in its cell) so that the longest side is at most {@code maxSide}. pHash and dHash
 * are computed on it: JImageHash's own nearest-neighbour sampling of a full-size image lets re-encodes of
 * the same picture drift by many bits, an averaged derivative does not. Built in one streaming pass over
 * the rows; luma is the same as PDQ's.
 */
final class GreyDerivative {
    private GreyDerivative() {
    }

    static BufferedImage of(BufferedImage image, int maxSide) {
        int w = image.getWidth();
        int h = image.getHeight();
        double scale = Math.max(1.0, Math.max(w, h) / (double) maxSide);
        int tw = Math.max(1, (int) Math.round(w / scale));
        int th = Math.max(1, (int) Math.round(h / scale));
        int[] cellX = new int[w];
        for (int x = 0; x < w; x++) cellX[x] = (int) ((long) x * tw / w);
        double[] sums = new double[tw * th];
        int[] counts = new int[tw * th];
        float[] row = new float[w];
        LumaReader luma = new LumaReader(image);
        for (int y = 0; y < h; y++) {
            luma.readRow(y, row);
            int base = (int) ((long) y * th / h) * tw;
            for (int x = 0; x < w; x++) {
                sums[base + cellX[x]] += row[x];
                counts[base + cellX[x]]++;
            }
        }
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) Math.min(255, Math.round(sums[i] / counts[i]));
        }
        return out;
    }
}
