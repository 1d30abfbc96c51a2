package org.sightline.hashing;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * PDQ, bit-exact with Meta's reference pipeline (see {@code shared/pdq/README.md}): luma at full
 * resolution, two rounds of the Jarosz box blur, decimation to 64×64, quality, a 16×16 DCT, median
 * threshold, and the 8 dihedral variants from the same DCT.
 *
 * <p>The blur runs as one streaming pass over the image rows: luma row → row box filter → column box
 * filter (a running sum per column) → second-round row filter evaluated only at the 64 sampled columns →
 * second-round column filter over those 64 columns. Each step performs the reference's float operations
 * in the reference's order, so the bits are identical, but no full-size float buffer is ever allocated
 * and buffers are reused per thread. Thread-safe.
 */
public final class PdqHasher {
    private static final int N = 64;
    private static final int D = 16;
    private static final int MIN_SIDE = 5;

    private final float[][] dctMatrix = dctMatrix();
    // Per instance (not static) so that two servers in one JVM share nothing mutable.
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    /** The PDQ DCT basis: rows 1..16 of the 64-point DCT-II, computed in double, stored as float. */
    static float[][] dctMatrix() {
        float[][] d = new float[D][N];
        double scale = Math.sqrt(2.0 / 64.0);
        for (int i = 0; i < D; i++) {
            for (int k = 0; k < N; k++) {
                d[i][k] = (float) (scale * Math.cos((Math.PI / 2 / 64.0) * (i + 1) * (2 * k + 1)));
            }
        }
        return d;
    }

    public PdqResult hash(BufferedImage image) {
        int rows = image.getHeight();
        int cols = image.getWidth();
        if (rows < MIN_SIDE || cols < MIN_SIDE) {
            return PdqResult.tiny();
        }
        Workspace ws = workspaces.get();
        float[] block = ws.blurAndDecimate(new LumaReader(image)::readRow, rows, cols);
        return fromBlock(block, dctMatrix, ws.dct);
    }

    /** Hashes a luma image given as {@code rows × cols} floats, row-major (used by tests and the bench). */
    public PdqResult hashLuma(float[] luma, int rows, int cols) {
        if (rows < MIN_SIDE || cols < MIN_SIDE) {
            return PdqResult.tiny();
        }
        Workspace ws = workspaces.get();
        float[] block = ws.blurAndDecimate((y, out) -> System.arraycopy(luma, y * cols, out, 0, cols), rows, cols);
        return fromBlock(block, dctMatrix, ws.dct);
    }

    /** Quality, DCT, bits and dihedral variants from the 64×64 blurred, decimated luma. */
    static PdqResult fromBlock(float[] block, float[][] dct, float[] scratch) {
        int quality = quality(block);
        float[] b = dct16(block, dct, scratch);
        PdqHash[] variants = new PdqHash[8];
        float[] v = new float[D * D];
        for (Dihedral d : Dihedral.values()) {
            d.transform(b, v);
            variants[d.ordinal()] = threshold(v);
        }
        return new PdqResult(variants[0], quality, variants);
    }

    static int quality(float[] block) {
        int sum = 0;
        for (int i = 0; i < N - 1; i++) {
            for (int j = 0; j < N; j++) {
                float u = block[i * N + j];
                float v = block[(i + 1) * N + j];
                sum += Math.abs((int) (((u - v) * 100) / 255));
            }
        }
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N - 1; j++) {
                float u = block[i * N + j];
                float v = block[i * N + j + 1];
                sum += Math.abs((int) (((u - v) * 100) / 255));
            }
        }
        return Math.min(100, sum / 90);
    }

    /** B = D · A · Dᵀ (16×16), each entry accumulated over k = 0..63 in increasing order, as the reference. */
    static float[] dct16(float[] a, float[][] d, float[] t) {
        // T = D · A (16×64): T[i][j] = Σ_k D[i][k]·A[k][j]; the loop over j innermost keeps the per-entry order.
        Arrays.fill(t, 0, D * N, 0f);
        for (int i = 0; i < D; i++) {
            float[] di = d[i];
            int ti = i * N;
            for (int k = 0; k < N; k++) {
                float dik = di[k];
                int ak = k * N;
                for (int j = 0; j < N; j++) {
                    t[ti + j] += dik * a[ak + j];
                }
            }
        }
        float[] b = new float[D * D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                float[] dj = d[j];
                float sum = 0f;
                for (int k = 0; k < N; k++) {
                    sum += t[i * N + k] * dj[k];
                }
                b[i * D + j] = sum;
            }
        }
        return b;
    }

    /** Bit {@code i*16+j} is set iff {@code m[i][j]} is strictly greater than the lower median. */
    static PdqHash threshold(float[] m) {
        float[] sorted = m.clone();
        Arrays.sort(sorted);
        float median = sorted[D * D / 2 - 1];
        int[] words = new int[16];
        for (int k = 0; k < D * D; k++) {
            if (m[k] > median) words[k >> 4] |= 1 << (k & 15);
        }
        return PdqHash.fromWords(words);
    }

    /** Supplies luma rows in order. */
    interface RowSource {
        void readRow(int y, float[] out);
    }

    /** Buffers reused across images on one thread; they grow to the widest image seen. */
    private static final class Workspace {
        final float[] dct = new float[D * N];
        final float[] block = new float[N * N];
        final float[] sampled = new float[N];
        final BoxFilter.Columns firstColumns = new BoxFilter.Columns();
        final BoxFilter.Columns secondColumns = new BoxFilter.Columns();
        final int[] sampleRows = new int[N];
        final int[] sampleCols = new int[N];
        float[] luma = new float[0];
        float[] rowBlurred = new float[0];

        float[] blurAndDecimate(RowSource source, int rows, int cols) {
            if (luma.length < cols) {
                luma = new float[cols];
                rowBlurred = new float[cols];
            }
            int wr = BoxFilter.windowSize(cols);
            int wc = BoxFilter.windowSize(rows);
            for (int i = 0; i < N; i++) {
                sampleRows[i] = (int) (((i + 0.5) * rows) / N);
                sampleCols[i] = (int) (((i + 0.5) * cols) / N);
            }
            firstColumns.reset(cols, rows, wc);
            secondColumns.reset(N, rows, wc);

            BoxFilter.RowSink decimate = (row, values) -> {
                for (int i = 0; i < N; i++) {
                    if (sampleRows[i] == row) System.arraycopy(values, 0, block, i * N, N);
                }
            };
            BoxFilter.RowSink secondRound = (row, values) -> {
                BoxFilter.filterSampled(values, cols, wr, sampleCols, sampled);
                secondColumns.push(sampled, decimate);
            };
            for (int y = 0; y < rows; y++) {
                source.readRow(y, luma);
                BoxFilter.filter(luma, 0, rowBlurred, 0, cols, wr);
                firstColumns.push(rowBlurred, secondRound);
            }
            firstColumns.finish(secondRound);
            secondColumns.finish(decimate);
            return block;
        }
    }
}
