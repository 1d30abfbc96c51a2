package org.sightline.classify;

import java.awt.image.BufferedImage;

/**
 * Turns a decoded image into the model's input: {@code side × side} RGB, channels last, scaled to [0, 1].
 * Alpha is ignored (as nsfwjs' {@code fromPixels} keeps only RGB).
 */
public final class ModelInput {
    private ModelInput() {
    }

    /**
     * Area averaging: every output pixel is the mean of the source pixels it covers (fractional coverage at
     * the edges), so a large photo is seen whole instead of sampled at a few points. An axis shorter than
     * {@code side} is enlarged by linear interpolation.
     */
    public static float[] areaAveraged(BufferedImage image, int side) {
        int w = image.getWidth(), h = image.getHeight();
        Taps xs = taps(w, side), ys = taps(h, side);
        // horizontal pass, row by row: h × side × 3
        float[] rows = new float[h * side * 3];
        int[] line = new int[w];
        Rows source = Rows.of(image);
        for (int y = 0; y < h; y++) {
            source.read(y, line);
            int base = y * side * 3;
            for (int o = 0; o < side; o++) {
                float r = 0, g = 0, b = 0;
                for (int t = xs.start[o]; t < xs.start[o + 1]; t++) {
                    int p = line[xs.index[t]];
                    float k = xs.weight[t];
                    r += ((p >> 16) & 0xff) * k;
                    g += ((p >> 8) & 0xff) * k;
                    b += (p & 0xff) * k;
                }
                rows[base + o * 3] = r;
                rows[base + o * 3 + 1] = g;
                rows[base + o * 3 + 2] = b;
            }
        }
        float[] out = new float[side * side * 3];
        int stride = side * 3;
        for (int o = 0; o < side; o++) {
            int ob = o * stride;
            for (int t = ys.start[o]; t < ys.start[o + 1]; t++) {
                int rb = ys.index[t] * stride;
                float k = ys.weight[t] / 255f;
                for (int i = 0; i < stride; i++) out[ob + i] += rows[rb + i] * k;
            }
        }
        return out;
    }

    /**
     * What nsfwjs does to an image that is not already {@code side × side}: bilinear resize with aligned corners
     * (TensorFlow.js {@code resizeBilinear(…, alignCorners = true)}) of the full image. Kept to measure how
     * it differs from {@link #areaAveraged}.
     */
    public static float[] bilinearAlignCorners(BufferedImage image, int side) {
        int w = image.getWidth(), h = image.getHeight();
        float[] out = new float[side * side * 3];
        double sy = side > 1 ? (h - 1) / (double) (side - 1) : 0, sx = side > 1 ? (w - 1) / (double) (side - 1) : 0;
        for (int oy = 0; oy < side; oy++) {
            double fy = oy * sy;
            int y0 = (int) Math.floor(fy), y1 = Math.min(y0 + 1, h - 1);
            float dy = (float) (fy - y0);
            for (int ox = 0; ox < side; ox++) {
                double fx = ox * sx;
                int x0 = (int) Math.floor(fx), x1 = Math.min(x0 + 1, w - 1);
                float dx = (float) (fx - x0);
                int p00 = image.getRGB(x0, y0), p01 = image.getRGB(x1, y0), p10 = image.getRGB(x0, y1), p11 = image.getRGB(x1, y1);
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    float top = channel(p00, shift) + (channel(p01, shift) - channel(p00, shift)) * dx;
                    float bottom = channel(p10, shift) + (channel(p11, shift) - channel(p10, shift)) * dx;
                    out[(oy * side + ox) * 3 + c] = top + (bottom - top) * dy;
                }
            }
        }
        return out;
    }

    /** The pixels of an image that is already {@code side × side}, unchanged (as nsfwjs takes them). */
    public static float[] exact(BufferedImage image, int side) {
        if (image.getWidth() != side || image.getHeight() != side) {
            throw new IllegalArgumentException("image is not " + side + "x" + side);
        }
        return bilinearAlignCorners(image, side);
    }

    private static float channel(int argb, int shift) {
        return ((argb >> shift) & 0xff) / 255f;
    }

    /**
     * Reads one row of pixels as packed RGB. The decoders' and the previews' usual types (packed int RGB, 3-byte
     * BGR) are read straight from the raster's array: {@code getRGB} converts every pixel through the colour
     * model, which cost more than the averaging (e.g. 30–50 ms of a 1.6 MP photo). Anything else goes through
     * {@code getRGB}.
     */
    private interface Rows {
        void read(int y, int[] line);

        static Rows of(BufferedImage image) {
            int w = image.getWidth();
            java.awt.image.WritableRaster raster = image.getRaster();
            boolean untranslated = raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0;
            if (untranslated && (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_INT_ARGB)
                    && raster.getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel model
                    && raster.getDataBuffer() instanceof java.awt.image.DataBufferInt buffer && buffer.getNumBanks() == 1) {
                int[] data = buffer.getData();
                int offset = buffer.getOffset(), stride = model.getScanlineStride();
                return (y, line) -> System.arraycopy(data, offset + y * stride, line, 0, w);
            }
            if (untranslated && image.getType() == BufferedImage.TYPE_3BYTE_BGR
                    && raster.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel model
                    && raster.getDataBuffer() instanceof java.awt.image.DataBufferByte buffer && buffer.getNumBanks() == 1
                    && model.getPixelStride() == 3 && java.util.Arrays.equals(model.getBandOffsets(), new int[] {2, 1, 0})) {
                byte[] data = buffer.getData();
                int offset = buffer.getOffset(), stride = model.getScanlineStride();
                return (y, line) -> {
                    int i = offset + y * stride;
                    for (int x = 0; x < w; x++, i += 3) {
                        line[x] = (data[i + 2] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | (data[i] & 0xff);
                    }
                };
            }
            return (y, line) -> image.getRGB(0, y, w, 1, line, 0, w);
        }
    }

    /** Sparse 1-D resampling weights: output o reads index[start[o] .. start[o+1]) with weight[…]. */
    private record Taps(int[] start, int[] index, float[] weight) {
    }

    private static Taps taps(int in, int out) {
        int[] start = new int[out + 1];
        int max = out * (in / out + 3) + 2 * out;
        int[] index = new int[max];
        float[] weight = new float[max];
        int n = 0;
        double scale = in / (double) out;
        for (int o = 0; o < out; o++) {
            start[o] = n;
            if (in >= out) {
                double from = o * scale, to = (o + 1) * scale;
                for (int i = (int) Math.floor(from); i < Math.min(in, (int) Math.ceil(to)); i++) {
                    double cover = Math.min(to, i + 1) - Math.max(from, i);
                    if (cover <= 0) continue;
                    index[n] = i;
                    weight[n++] = (float) (cover / scale);
                }
            } else {
                double centre = Math.max(0, Math.min(in - 1, (o + 0.5) * scale - 0.5));
                int i0 = (int) Math.floor(centre), i1 = Math.min(i0 + 1, in - 1);
                float d = (float) (centre - i0);
                index[n] = i0;
                weight[n++] = 1 - d;
                index[n] = i1;
                weight[n++] = d;
            }
        }
        start[out] = n;
        return new Taps(start, index, weight);
    }
}
