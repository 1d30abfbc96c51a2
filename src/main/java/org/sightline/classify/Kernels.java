package org.sightline.classify;

/**
 * The tight loops of inference. Activations are arrays of rows — one row per channel ({@link NsfwModel.Layout#PLANES})
 * or per pixel ({@link NsfwModel.Layout#PIXELS}) — and every hot loop reads and writes its arrays at the same
 * index {@code i}, from 0: Java 17's C2 vectorises a loop only when all its float accesses share one offset (an
 * access at {@code x[i + 1]} or {@code x[base + i]} beside a {@code y[i]} keeps the whole loop scalar, 5–10×
 * slower on this model), and only when its body is small (four inputs per pass; eight is too many).
 */
final class Kernels {
    private Kernels() {
    }

    /** {@code y[i] += c0·x0[i] + c1·x1[i] + c2·x2[i] + c3·x3[i]} for from ≤ i &lt; to. */
    static void axpy4(float[] y, float[] x0, float[] x1, float[] x2, float[] x3, float c0, float c1, float c2, float c3,
                      int from, int to) {
        for (int i = from; i < to; i++) y[i] += c0 * x0[i] + c1 * x1[i] + c2 * x2[i] + c3 * x3[i];
    }

    /** {@code y[i] += c·x[i]} for from ≤ i &lt; to. */
    static void axpy1(float[] y, float[] x, float c, int from, int to) {
        for (int i = from; i < to; i++) y[i] += c * x[i];
    }

    /** {@code y[i] += w[i]·x[i]} for i &lt; n (one tap of a depthwise convolution over channels). */
    static void multiplyAdd(float[] y, float[] w, float[] x, int n) {
        for (int i = 0; i < n; i++) y[i] += w[i] * x[i];
    }

    /**
     * {@code y[i] += Σ_k c[cOff + k] · x[k][i]} for k &lt; depth and from ≤ i &lt; to: (part of) one output row of
     * a 1 × 1 convolution or a dense layer as a weighted sum of input rows. Groups of four zero coefficients are
     * skipped (ReLU6 leaves many zero activations when the coefficients are a pixel's channels); adding 0 · x
     * changes nothing.
     */
    static void combine(float[] y, float[][] x, float[] c, int cOff, int depth, int from, int to) {
        int k = 0;
        for (; k + 4 <= depth; k += 4) {
            float c0 = c[cOff + k], c1 = c[cOff + k + 1], c2 = c[cOff + k + 2], c3 = c[cOff + k + 3];
            if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0) continue;
            axpy4(y, x[k], x[k + 1], x[k + 2], x[k + 3], c0, c1, c2, c3, from, to);
        }
        for (; k < depth; k++) {
            float c0 = c[cOff + k];
            if (c0 != 0) axpy1(y, x[k], c0, from, to);
        }
    }

    /** {@code y[i] = a[i] + b[i]} for i &lt; n. */
    static void add(float[] y, float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) y[i] = a[i] + b[i];
    }

    /** Clamps y[from..to) to [0, max] (ReLU6 with max 6, ReLU with {@link Float#MAX_VALUE}). */
    static void clamp(float[] y, float max, int from, int to) {
        // Math.min and max (not comparisons, which branch and mispredict on ReLU's signs) vectorise
        for (int i = from; i < to; i++) y[i] = Math.min(Math.max(y[i], 0f), max);
    }

    static void softmax(float[] y) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : y) max = Math.max(max, v);
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.exp(y[i] - max);
            sum += y[i];
        }
        for (int i = 0; i < y.length; i++) y[i] = (float) (y[i] / sum);
    }
}
