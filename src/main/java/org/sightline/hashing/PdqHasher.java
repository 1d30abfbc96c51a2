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
        return hash(image, null);
    }

    /** Hashes the image; {@code observer} (may be null) sees every luma row on the way. */
    public PdqResult hash(BufferedImage image, LumaObserver observer) {
        int rows = image.getHeight();
        int cols = image.getWidth();
        if (rows < MIN_SIDE || cols < MIN_SIDE) {
            return PdqResult.tiny();
        }
        Workspace ws = workspaces.get();
        float[] block = ws.blurAndDecimate(new LumaReader(image)::readRow, observer, rows, cols);
        return fromBlock(block, dctMatrix, ws.dct);
    }

    /** Hashes a luma image given as {@code rows × cols} floats, row-major (used by tests and the bench). */
    public PdqResult hashLuma(float[] luma, int rows, int cols) {
        if (rows < MIN_SIDE || cols < MIN_SIDE) {
            return PdqResult.tiny();
        }
        Workspace ws = workspaces.get();
        float[] block = ws.blurAndDecimate((y, out) -> System.arraycopy(luma, y * cols, out, 0, cols), null, rows, cols);
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

    /** Receives each luma row as it is computed (lets other signals share the one pass over the pixels). */
    public interface LumaObserver {
        void row(int y, float[] luma, int width);
    }

    /** Buffers reused across images on one thread; they grow to the widest image seen. */
    private static final class Workspace {
        private static final int GROUP = 4;
        final float[] dct = new float[D * N];
        final float[] block = new float[N * N];
        final BoxFilter.Columns firstColumns = new BoxFilter.Columns();
        final BoxFilter.Columns secondColumns = new BoxFilter.Columns();
        final int[] sampleRows = new int[N];
        final int[] sampleCols = new int[N];
        final float[][] sampled = new float[GROUP][N];
        float[][] luma = new float[GROUP][0];
        float[][] rowBlurred = new float[GROUP][0];
        float[][] pending = new float[GROUP][0];
        int pendingRows;

        float[] blurAndDecimate(RowSource source, LumaObserver observer, int rows, int cols) {
            if (luma[0].length < cols) {
                luma = new float[GROUP][cols];
                rowBlurred = new float[GROUP][cols];
                pending = new float[GROUP][cols];
            }
            int wr = BoxFilter.windowSize(cols);
            int wc = BoxFilter.windowSize(rows);
            for (int i = 0; i < N; i++) {
                sampleRows[i] = (int) (((i + 0.5) * rows) / N);
                sampleCols[i] = (int) (((i + 0.5) * cols) / N);
            }
            firstColumns.reset(cols, rows, wc);
            secondColumns.reset(N, rows, wc);
            pendingRows = 0;

            BoxFilter.RowSink decimate = (row, values) -> {
                for (int i = 0; i < N; i++) {
                    if (sampleRows[i] == row) System.arraycopy(values, 0, block, i * N, N);
                }
            };
            // Second round: rows leave the first column filter one by one; filter them four at a time.
            BoxFilter.RowSink secondRound = (row, values) -> {
                System.arraycopy(values, 0, pending[pendingRows++], 0, cols);
                if (pendingRows == GROUP) flushSecondRound(cols, wr, decimate);
            };
            for (int y0 = 0; y0 < rows; y0 += GROUP) {
                int group = Math.min(GROUP, rows - y0);
                for (int k = 0; k < group; k++) {
                    source.readRow(y0 + k, luma[k]);
                    if (observer != null) observer.row(y0 + k, luma[k], cols);
                }
                if (group == GROUP) {
                    BoxFilter.filter4(luma, rowBlurred, cols, wr);
                } else {
                    for (int k = 0; k < group; k++) BoxFilter.filter(luma[k], 0, rowBlurred[k], 0, cols, wr);
                }
                for (int k = 0; k < group; k++) firstColumns.push(rowBlurred[k], secondRound);
            }
            firstColumns.finish(secondRound);
            flushSecondRound(cols, wr, decimate);
            secondColumns.finish(decimate);
            return block;
        }

        private void flushSecondRound(int cols, int wr, BoxFilter.RowSink decimate) {
            if (pendingRows == GROUP) {
                BoxFilter.filterSampled4(pending, cols, wr, sampleCols, sampled);
            } else {
                for (int k = 0; k < pendingRows; k++) BoxFilter.filterSampled(pending[k], cols, wr, sampleCols, sampled[k]);
            }
            for (int k = 0; k < pendingRows; k++) secondColumns.push(sampled[k], decimate);
            pendingRows = 0;
        }
    }
}
