package org.sightline.hashing;

/**
 * The 1-D box filter of PDQ's "Jarosz" blur, in the exact float operation order of the reference
 * (running sum; add the new input, then subtract the oldest; divide by the current window size).
 * Bit-exactness depends on that order, so every variant here runs the same state machine.
 */
final class BoxFilter {
    private BoxFilter() {
    }

    /** PDQ's window size for shrinking {@code n} samples to 64: {@code ceil(n / 128)}. */
    static int windowSize(int n) {
        return (n + 127) / 128;
    }

    /** Filters {@code n} contiguous values of {@code in} (from {@code inOff}) into {@code out} (from {@code outOff}). */
    static void filter(float[] in, int inOff, float[] out, int outOff, int n, int w) {
        int half = (w + 2) / 2;
        float sum = 0f;
        int count = 0;
        int ri = inOff;
        int li = inOff;
        int oi = outOff;
        for (int i = 0; i < half - 1; i++) {
            sum += in[ri++];
            count++;
        }
        for (int i = 0; i < w - half + 1; i++) {
            sum += in[ri++];
            count++;
            out[oi++] = sum / count;
        }
        for (int i = 0; i < n - w; i++) {
            sum += in[ri++];
            sum -= in[li++];
            out[oi++] = sum / count;
        }
        for (int i = 0; i < half - 1; i++) {
            sum -= in[li++];
            count--;
            out[oi++] = sum / count;
        }
    }

    /**
     * Same running sum as {@link #filter}, but writes only the outputs at the positions {@code samples}
     * (ascending, repeats allowed): {@code out[k]} = filtered value at {@code samples[k]}.
     * Skipping the other divisions is what makes PDQ's second blur round cheap.
     */
    static void filterSampled(float[] in, int n, int w, int[] samples, float[] out) {
        int half = (w + 2) / 2;
        float sum = 0f;
        int count = 0;
        int ri = 0;
        int li = 0;
        int o = 0;
        int k = 0;
        for (int i = 0; i < half - 1; i++) {
            sum += in[ri++];
            count++;
        }
        for (int i = 0; i < w - half + 1; i++, o++) {
            sum += in[ri++];
            count++;
            while (k < samples.length && samples[k] == o) out[k++] = sum / count;
        }
        for (int i = 0; i < n - w; i++, o++) {
            sum += in[ri++];
            sum -= in[li++];
            while (k < samples.length && samples[k] == o) out[k++] = sum / count;
        }
        for (int i = 0; i < half - 1; i++, o++) {
            sum -= in[li++];
            count--;
            while (k < samples.length && samples[k] == o) out[k++] = sum / count;
        }
    }

    /**
     * {@link #filter} on four rows at once. The four running sums are independent, so the processor
     * overlaps their additions instead of waiting on one sum's latency; each row's operations and their
     * order are unchanged, so are the bits.
     */
    static void filter4(float[][] in, float[][] out, int n, int w) {
        float[] a = in[0], b = in[1], c = in[2], d = in[3];
        float[] oa = out[0], ob = out[1], oc = out[2], od = out[3];
        int half = (w + 2) / 2;
        float sa = 0f, sb = 0f, sc = 0f, sd = 0f;
        int count = 0;
        int ri = 0;
        int li = 0;
        int oi = 0;
        for (int i = 0; i < half - 1; i++, ri++) {
            sa += a[ri];
            sb += b[ri];
            sc += c[ri];
            sd += d[ri];
            count++;
        }
        for (int i = 0; i < w - half + 1; i++, ri++, oi++) {
            sa += a[ri];
            sb += b[ri];
            sc += c[ri];
            sd += d[ri];
            count++;
            oa[oi] = sa / count;
            ob[oi] = sb / count;
            oc[oi] = sc / count;
            od[oi] = sd / count;
        }
        // Full-window phase: store the running sums, then divide them in a separate loop that the JIT
        // vectorises (the same float division of the same operands, so the same bits).
        int fullStart = oi;
        for (int i = 0; i < n - w; i++, ri++, li++, oi++) {
            sa += a[ri];
            sb += b[ri];
            sc += c[ri];
            sd += d[ri];
            sa -= a[li];
            sb -= b[li];
            sc -= c[li];
            sd -= d[li];
            oa[oi] = sa;
            ob[oi] = sb;
            oc[oi] = sc;
            od[oi] = sd;
        }
        divide(oa, fullStart, oi, count);
        divide(ob, fullStart, oi, count);
        divide(oc, fullStart, oi, count);
        divide(od, fullStart, oi, count);
        for (int i = 0; i < half - 1; i++, li++, oi++) {
            sa -= a[li];
            sb -= b[li];
            sc -= c[li];
            sd -= d[li];
            count--;
            oa[oi] = sa / count;
            ob[oi] = sb / count;
            oc[oi] = sc / count;
            od[oi] = sd / count;
        }
    }

    private static void divide(float[] v, int from, int to, int count) {
        float c = count;
        for (int i = from; i < to; i++) v[i] = v[i] / c;
    }

    /** {@link #filterSampled} on four rows at once, for the same reason as {@link #filter4}. */
    static void filterSampled4(float[][] in, int n, int w, int[] samples, float[][] out) {
        float[] a = in[0], b = in[1], c = in[2], d = in[3];
        int half = (w + 2) / 2;
        float sa = 0f, sb = 0f, sc = 0f, sd = 0f;
        int count = 0;
        int ri = 0;
        int li = 0;
        int o = 0;
        int k = 0;
        for (int i = 0; i < half - 1; i++, ri++) {
            sa += a[ri];
            sb += b[ri];
            sc += c[ri];
            sd += d[ri];
            count++;
        }
        for (int i = 0; i < w - half + 1; i++, ri++, o++) {
            sa += a[ri];
            sb += b[ri];
            sc += c[ri];
            sd += d[ri];
            count++;
            for (; k < samples.length && samples[k] == o; k++) store(out, k, sa, sb, sc, sd, count);
        }
        for (int i = 0; i < n - w; i++, ri++, li++, o++) {
            sa += a[ri];
            sb += b[ri];
            sc += c[ri];
            sd += d[ri];
            sa -= a[li];
            sb -= b[li];
            sc -= c[li];
            sd -= d[li];
            for (; k < samples.length && samples[k] == o; k++) store(out, k, sa, sb, sc, sd, count);
        }
        for (int i = 0; i < half - 1; i++, li++, o++) {
            sa -= a[li];
            sb -= b[li];
            sc -= c[li];
            sd -= d[li];
            count--;
            for (; k < samples.length && samples[k] == o; k++) store(out, k, sa, sb, sc, sd, count);
        }
    }

    private static void store(float[][] out, int k, float sa, float sb, float sc, float sd, int count) {
        out[0][k] = sa / count;
        out[1][k] = sb / count;
        out[2][k] = sc / count;
        out[3][k] = sd / count;
    }

    /** Receives the rows a {@link Columns} filter emits, in order. */
    interface RowSink {
        void accept(int row, float[] values);
    }

    /**
     * The box filter down every column at once, fed one input row at a time. Keeps one running sum per
     * column and a ring of the last {@code w} input rows, so the image is walked row by row (no cache
     * misses walking down columns, no full-size second buffer) with the same float operations as the
     * column-at-a-time reference.
     */
    static final class Columns {
        private int width;
        private float[] sums = new float[0];
        private float[] out = new float[0];
        private float[][] ring = new float[0][];
        private int n;
        private int w;
        private int half;
        private int t;
        private int count;
        private int emitted;

        /** Prepares for rows of {@code width} values, {@code n} rows, window {@code w}; reuses buffers that fit. */
        void reset(int width, int n, int w) {
            this.width = width;
            this.n = n;
            this.w = w;
            this.half = (w + 2) / 2;
            this.t = 0;
            this.count = 0;
            this.emitted = 0;
            if (sums.length < width) {
                sums = new float[width];
                out = new float[width];
            } else {
                java.util.Arrays.fill(sums, 0, width, 0f);
            }
            if (ring.length < w || (ring.length > 0 && ring[0].length < width)) {
                ring = new float[Math.max(w, ring.length)][width];
            }
        }

        /** Feeds input row {@code t}; emits the output rows it completes. */
        void push(float[] row, RowSink sink) {
            float[] slot = ring[t % w];
            if (t < half - 1) {
                addRow(row);
                count++;
            } else if (t < w) {
                addRow(row);
                count++;
                emit(sink);
            } else {
                float[] s = sums;
                float c = count;
                float[] o = out;
                for (int x = 0; x < width; x++) {
                    float v = s[x] + row[x];
                    v -= slot[x];
                    s[x] = v;
                    o[x] = v / c;
                }
                sink.accept(emitted++, o);
            }
            System.arraycopy(row, 0, slot, 0, width);
            t++;
        }

        /** After the last input row: emits the final {@code half - 1} rows with a shrinking window. */
        void finish(RowSink sink) {
            if (t != n) throw new IllegalStateException("fed " + t + " rows, expected " + n);
            for (int i = 0; i < half - 1; i++) {
                float[] oldest = ring[(n - w + i) % w];
                float[] s = sums;
                for (int x = 0; x < width; x++) s[x] -= oldest[x];
                count--;
                emit(sink);
            }
        }

        private void addRow(float[] row) {
            float[] s = sums;
            for (int x = 0; x < width; x++) s[x] += row[x];
        }

        private void emit(RowSink sink) {
            float[] s = sums;
            float[] o = out;
            float c = count;
            for (int x = 0; x < width; x++) o[x] = s[x] / c;
            sink.accept(emitted++, o);
        }
    }
}
