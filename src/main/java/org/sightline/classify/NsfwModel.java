package org.sightline.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nsfwjs MobileNetV2 model (a TensorFlow.js Keras layers model with uint8-quantised weights) run in
 * plain Java. At load the weights are dequantised once, every batch normalisation is folded into the
 * convolution before it, and ReLU6 and zero padding are fused into the convolutions, so inference is a
 * short list of convolutions, residual adds, one global average pool and three dense layers over rows of
 * floats (see {@link Layout} and {@link Kernels}). An instance is thread-safe: each call takes a workspace of
 * activation buffers from a pool (one per concurrent caller) and returns it, so inference allocates nothing.
 */
public final class NsfwModel {
    public static final String NAME = "nsfwjs-mobilenet-v2";
    public static final String VERSION = "4.4.0";
    public static final String RESOURCE_DIR = "/models/nsfwjs-mobilenet-v2/";
    /** nsfwjs' class order (its NSFW_CLASSES), lower-cased. */
    public static final List<String> CLASSES = List.of("drawing", "hentai", "neutral", "porn", "sexy");

    private final int inputSide;
    private final List<Op> ops;
    private final int outputSlot;
    private final int slots;

    /** Slot → the buffer its tensor is written to; slots whose lifetimes do not overlap share one. */
    private final int[] bufferOf;
    private final int buffers;
    /** Workspaces not in use: one is taken per call, so concurrent calls never share buffers. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Workspace> idle = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private NsfwModel(int inputSide, List<Op> ops, int outputSlot, int slots) {
        this.inputSide = inputSide;
        this.ops = ops;
        this.outputSlot = outputSlot;
        this.slots = slots;
        this.bufferOf = new int[slots];
        this.buffers = assignBuffers();
    }

    /**
     * Gives every slot a buffer, reusing one whose tensor has been read for the last time and has the same shape
     * (rows × length), so an inference touches a few megabytes that stay warm instead of allocating ~20 MB.
     */
    private int assignBuffers() {
        int[] lastUse = new int[slots];
        for (int i = 0; i < ops.size(); i++) for (int in : ops.get(i).inputs()) lastUse[in] = i;
        lastUse[outputSlot] = Integer.MAX_VALUE;
        Map<Integer, List<Integer>> shapeOfBuffer = new HashMap<>();
        Map<List<Integer>, java.util.ArrayDeque<Integer>> free = new HashMap<>();
        int[][] shape = new int[slots][];
        shape[0] = new int[] {inputSide, inputSide, 3};
        int next = 0;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            int[] s = op.shape(shape);
            shape[op.out] = s;
            List<Integer> key = List.of(rows(s), length(s));
            java.util.ArrayDeque<Integer> candidates = free.get(key);
            int id = candidates == null || candidates.isEmpty() ? next++ : candidates.pop();
            bufferOf[op.out] = id;
            shapeOfBuffer.put(id, key);
            for (int in : op.inputs()) {
                if (in != 0 && lastUse[in] == i) free.computeIfAbsent(List.of(rows(shape[in]), length(shape[in])),
                        k -> new java.util.ArrayDeque<>()).push(bufferOf[in]);
            }
        }
        return next;
    }

    private static int rows(int[] hwc) {
        return layoutFor(hwc[0], hwc[1]) == Layout.PLANES ? hwc[2] : hwc[0] * hwc[1];
    }

    private static int length(int[] hwc) {
        return layoutFor(hwc[0], hwc[1]) == Layout.PLANES ? hwc[0] * hwc[1] : hwc[2];
    }

    /** One caller's buffers: the activations (by buffer) and each operation's scratch, made on first use. */
    private final class Workspace {
        final float[][][] tensors = new float[buffers][][];
        final Object[][] scratch = new Object[ops.size()][];

        /** The rows a slot's tensor is written to (every operation writes all of its output). */
        float[][] output(int slot, int rows, int length) {
            int id = bufferOf[slot];
            if (tensors[id] == null) tensors[id] = new float[rows][length];
            return tensors[id];
        }

        /** An operation's k-th scratch array of rows × length floats; what the operation never writes stays zero. */
        float[][] scratch(Op op, int k, int rows, int length) {
            Object[] mine = scratch[op.index];
            if (mine == null) mine = scratch[op.index] = new Object[4];
            if (mine[k] == null) mine[k] = new float[rows][length];
            return (float[][]) mine[k];
        }
    }

    /** Opens one file of the model by name; null when it is missing. */
    interface Files {
        InputStream open(String name) throws IOException;
    }

    /** Loads the bundled model from the classpath. */
    public static NsfwModel load() {
        return load(name -> NsfwModel.class.getResourceAsStream(RESOURCE_DIR + name));
    }

    /** Loads the model from a directory holding model.json and its weight shards (the same files as bundled). */
    public static NsfwModel load(java.nio.file.Path dir) {
        return load(name -> {
            java.nio.file.Path file = dir.resolve(name);
            return java.nio.file.Files.isRegularFile(file) ? java.nio.file.Files.newInputStream(file) : null;
        });
    }

    private static NsfwModel load(Files files) {
        try (InputStream json = files.open("model.json")) {
            if (json == null) throw new IllegalStateException("model.json is missing");
            JsonNode model = new ObjectMapper().readTree(json);
            Map<String, float[]> weights = new HashMap<>();
            Map<String, int[]> shapes = new HashMap<>();
            for (JsonNode group : model.path("weightsManifest")) {
                byte[] data = concat(files, group.path("paths"));
                int offset = 0;
                for (JsonNode w : group.path("weights")) {
                    int[] shape = ints(w.path("shape"));
                    int n = 1;
                    for (int d : shape) n *= d;
                    JsonNode q = w.path("quantization");
                    if (!"uint8".equals(q.path("dtype").asText())) {
                        throw new IllegalStateException(w.path("name").asText() + ": only uint8 quantisation is supported");
                    }
                    double min = q.path("min").asDouble();
                    double scale = q.path("scale").asDouble();
                    float[] values = new float[n];
                    // as TensorFlow.js dequantises: value = q * scale + min, in double, stored as float32
                    for (int i = 0; i < n; i++) values[i] = (float) ((data[offset + i] & 0xff) * scale + min);
                    offset += n;
                    weights.put(w.path("name").asText(), values);
                    shapes.put(w.path("name").asText(), shape);
                }
                if (offset != data.length) throw new IllegalStateException("weights shard size does not match the manifest");
            }
            return new Builder(weights, shapes).build(model.path("modelTopology").path("model_config").path("config"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled classifier model", e);
        }
    }

    public int inputSide() {
        return inputSide;
    }

    /**
     * Class probabilities (in {@link #CLASSES} order) for one input image of {@code inputSide²} RGB pixels in
     * HWC order, each channel scaled to [0, 1].
     */
    public float[] predict(float[] rgb) {
        if (rgb.length != inputSide * inputSide * 3) {
            throw new IllegalArgumentException("input must be " + inputSide + "x" + inputSide + "x3");
        }
        Workspace workspace = idle.poll();
        if (workspace == null) workspace = new Workspace();
        try {
            Tensor[] values = new Tensor[slots];
            values[0] = new Tensor(inputSide, inputSide, 3, Layout.HWC, new float[][] {rgb});
            for (Op op : ops) values[op.out] = op.run(values, workspace);
            return values[outputSlot].rows[0].clone();
        } finally {
            idle.offer(workspace);
        }
    }

    // ------------------------------------------------------------------ tensors and operations

    /**
     * How a tensor's values are laid out in rows, so that every hot loop runs along one long row: {@code HWC} is
     * the input only (one row, every pixel's RGB); {@code PLANES} has a row of h · w values per channel, for the
     * large early layers (few channels, many pixels); {@code PIXELS} a row of c values per pixel, for the small
     * late ones (many channels, 14 × 14 or fewer pixels) and the dense layers.
     */
    enum Layout { HWC, PLANES, PIXELS }

    /** Tensors of at most this many pixels are kept as PIXELS (measured: 14 × 14 by pixel rows is at least as fast as by planes). */
    static final int PIXELS_UP_TO = 196;

    static Layout layoutFor(int h, int w) {
        return h * w > PIXELS_UP_TO ? Layout.PLANES : Layout.PIXELS;
    }

    /** Activations of one image. */
    record Tensor(int h, int w, int c, Layout layout, float[][] rows) {
    }

    private abstract static class Op {
        final int out;
        /** Position in the model's list of operations (set by the builder). */
        int index;

        Op(int out) {
            this.out = out;
        }

        abstract Tensor run(Tensor[] values, Workspace ws);

        /** The slots this operation reads. */
        abstract int[] inputs();

        /** Output height, width and channels, given the shapes of earlier slots. */
        abstract int[] shape(int[][] shapes);

        /** Rearranges the weights for the kernels, once the builder has folded everything into them. */
        void prepare() {
        }
    }

    /** Convolution (regular or depthwise) with folded batch norm as bias, explicit padding, optional clamp. */
    private static final class Conv extends Op {
        final int in;
        final boolean depthwise;
        final int kh, kw, stride, padTop, padLeft, padBottom, padRight, cin, cout;
        final float[] kernel; // [kh][kw][cin][cout] (regular) or [kh][kw][c] (depthwise)
        final float[] bias;
        float clampMax = Float.NaN; // ReLU6 when 6; NaN for linear
        /** Regular: weights by output channel, [cout][kh·kw·cin]; depthwise: by channel, [c][kh·kw]. */
        float[] byOutput;
        /** Regular: one row of cout weights per input (kh·kw·cin rows); depthwise: one row of c weights per tap. */
        float[][] rowsByInput;

        Conv(int in, int out, boolean depthwise, int kh, int kw, int stride, int[] pad, int cin, int cout,
             float[] kernel, float[] bias) {
            super(out);
            this.in = in;
            this.depthwise = depthwise;
            this.kh = kh;
            this.kw = kw;
            this.stride = stride;
            this.padTop = pad[0];
            this.padBottom = pad[1];
            this.padLeft = pad[2];
            this.padRight = pad[3];
            this.cin = cin;
            this.cout = cout;
            this.kernel = kernel;
            this.bias = bias;
        }

        @Override
        void prepare() {
            int depth = depthwise ? kh * kw : kh * kw * cin;
            byOutput = new float[cout * depth];
            rowsByInput = new float[depth][cout];
            for (int k = 0; k < depth; k++) {
                for (int co = 0; co < cout; co++) {
                    byOutput[co * depth + k] = kernel[k * cout + co];
                    rowsByInput[k][co] = kernel[k * cout + co];
                }
            }
        }

        boolean pointwise() {
            return kh == 1 && kw == 1 && stride == 1 && padTop + padLeft + padBottom + padRight == 0;
        }

        @Override
        int[] inputs() {
            return new int[] {in};
        }

        @Override
        int[] shape(int[][] shapes) {
            int[] x = shapes[in];
            return new int[] {(x[0] + padTop + padBottom - kh) / stride + 1, (x[1] + padLeft + padRight - kw) / stride + 1, cout};
        }

        @Override
        Tensor run(Tensor[] values, Workspace ws) {
            Tensor x = values[in];
            int oh = (x.h + padTop + padBottom - kh) / stride + 1;
            int ow = (x.w + padLeft + padRight - kw) / stride + 1;
            Layout target = layoutFor(oh, ow);
            // computed in the input's layout; where the layout changes (once), into scratch and then transposed
            Layout computed = x.layout == Layout.HWC ? target : x.layout;
            int n = oh * ow;
            float[][] y = computed == target
                    ? ws.output(out, computed == Layout.PLANES ? cout : n, computed == Layout.PLANES ? n : cout)
                    : ws.scratch(this, 3, computed == Layout.PLANES ? cout : n, computed == Layout.PLANES ? n : cout);
            if (depthwise) {
                if (x.layout == Layout.PIXELS) depthwisePixels(x, oh, ow, y);
                else if (x.layout == Layout.PLANES && stride == 1) depthwisePlanes(x, oh, ow, y, ws);
                else if (x.layout == Layout.PLANES) depthwisePlanesStrided(x, oh, ow, y, ws);
                else throw new IllegalStateException("depthwise convolution of the raw input");
            } else if (pointwise() && x.layout != Layout.HWC) {
                if (x.layout == Layout.PLANES) byPlanes(x.rows, n, cin, y);
                else byPixels(x.rows, n, cin, y);
            } else if (x.layout == Layout.HWC) {
                float[][] patches = patches(x, oh, ow, target, ws);
                if (target == Layout.PLANES) byPlanes(patches, n, kh * kw * cin, y);
                else byPixels(patches, n, kh * kw * cin, y);
            } else {
                throw new IllegalStateException("a " + kh + "x" + kw + " convolution is supported on the input only");
            }
            Tensor result = new Tensor(oh, ow, cout, computed, y);
            if (computed == target) return result;
            return transpose(result, ws.output(out, target == Layout.PLANES ? cout : n, target == Layout.PLANES ? n : cout));
        }

        /**
         * Output channel by output channel: each output plane is a weighted sum of the input planes, in tiles of
         * pixels small enough that the inputs' tiles stay in cache while every output channel reads them.
         */
        private void byPlanes(float[][] x, int n, int depth, float[][] y) {
            int tile = Math.max(256, (32768 / depth) & ~15);
            for (int from = 0; from < n; from += tile) {
                int to = Math.min(n, from + tile);
                for (int co = 0; co < cout; co++) {
                    float[] row = y[co];
                    java.util.Arrays.fill(row, from, to, bias[co]);
                    Kernels.combine(row, x, byOutput, co * depth, depth, from, to);
                    if (!Float.isNaN(clampMax)) Kernels.clamp(row, clampMax, from, to);
                }
            }
        }

        /** Pixel by pixel: each output pixel is the weight rows summed, weighted by the pixel's input channels. */
        private void byPixels(float[][] x, int n, int depth, float[][] y) {
            for (int p = 0; p < n; p++) {
                float[] row = y[p];
                System.arraycopy(bias, 0, row, 0, cout);
                Kernels.combine(row, rowsByInput, x[p], 0, depth, 0, cout);
                if (!Float.isNaN(clampMax)) Kernels.clamp(row, clampMax, 0, cout);
            }
        }

        /** Each output pixel's receptive field (zero outside the image) from the HWC input, as rows of the target layout. */
        private float[][] patches(Tensor x, int oh, int ow, Layout target, Workspace ws) {
            float[] src = x.rows[0];
            int depth = kh * kw * cin;
            boolean planes = target == Layout.PLANES;
            // positions outside the image are never written, so they stay zero from call to call
            float[][] patches = planes ? ws.scratch(this, 0, depth, oh * ow) : ws.scratch(this, 0, oh * ow, depth);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int p = oy * ow + ox;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * stride + ky - padTop;
                        if (iy < 0 || iy >= x.h) continue;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * stride + kx - padLeft;
                            if (ix < 0 || ix >= x.w) continue;
                            int from = (iy * x.w + ix) * cin, k0 = (ky * kw + kx) * cin;
                            for (int ci = 0; ci < cin; ci++) {
                                if (planes) patches[k0 + ci][p] = src[from + ci];
                                else patches[p][k0 + ci] = src[from + ci];
                            }
                        }
                    }
                }
            }
            return patches;
        }

        /** Depthwise over pixel rows: every tap adds its weight row times an input pixel's row. */
        private void depthwisePixels(Tensor x, int oh, int ow, float[][] y) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float[] row = y[oy * ow + ox];
                    System.arraycopy(bias, 0, row, 0, cout);
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * stride + ky - padTop;
                        if (iy < 0 || iy >= x.h) continue;
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * stride + kx - padLeft;
                            if (ix < 0 || ix >= x.w) continue;
                            Kernels.multiplyAdd(row, rowsByInput[ky * kw + kx], x.rows[iy * x.w + ix], cout);
                        }
                    }
                    if (!Float.isNaN(clampMax)) Kernels.clamp(row, clampMax, 0, cout);
                }
            }
        }

        /**
         * Depthwise, stride 1, over planes. Per channel the plane is zero-padded into one row of the padded width;
         * output position q of that row needs padded[q + ky·width + kx], so each tap gets its own copy shifted to
         * start at index 0 (the loop then reads every array at the same index, which is what vectorises), the
         * taps are summed over the whole padded row, and the valid columns are copied out.
         */
        private void depthwisePlanes(Tensor x, int oh, int ow, float[][] y, Workspace ws) {
            int hp = x.h + padTop + padBottom, wp = x.w + padLeft + padRight, taps = kh * kw;
            int length = (oh - 1) * wp + ow;
            float[] padded = ws.scratch(this, 0, 1, hp * wp)[0]; // the border is never written: it stays zero
            float[][] shifted = ws.scratch(this, 1, taps, length);
            float[] sum = ws.scratch(this, 2, 1, length)[0];
            for (int c = 0; c < cout; c++) {
                float[] plane = x.rows[c];
                for (int iy = 0; iy < x.h; iy++) System.arraycopy(plane, iy * x.w, padded, (iy + padTop) * wp + padLeft, x.w);
                for (int t = 0; t < taps; t++) System.arraycopy(padded, (t / kw) * wp + t % kw, shifted[t], 0, length);
                java.util.Arrays.fill(sum, bias[c]);
                Kernels.combine(sum, shifted, byOutput, c * taps, taps, 0, length);
                if (!Float.isNaN(clampMax)) Kernels.clamp(sum, clampMax, 0, length);
                for (int oy = 0; oy < oh; oy++) System.arraycopy(sum, oy * wp, y[c], oy * ow, ow);
            }
        }

        /**
         * Depthwise with stride 2 over planes: direct sums over a zero-padded copy of each plane (strided reads do
         * not vectorise, but without bounds tests and with the nine weights in registers the loop is short).
         */
        private void depthwisePlanesStrided(Tensor x, int oh, int ow, float[][] y, Workspace ws) {
            int hp = Math.max(x.h + padTop + padBottom, (oh - 1) * stride + kh), wp = Math.max(x.w + padLeft + padRight, (ow - 1) * stride + kw);
            int taps = kh * kw;
            float[] padded = ws.scratch(this, 0, 1, hp * wp)[0]; // the border is never written: it stays zero
            boolean clamp = !Float.isNaN(clampMax);
            for (int c = 0; c < cout; c++) {
                float[] plane = x.rows[c], out = y[c];
                for (int iy = 0; iy < x.h; iy++) System.arraycopy(plane, iy * x.w, padded, (iy + padTop) * wp + padLeft, x.w);
                int wb = c * taps;
                float b = bias[c];
                if (kh == 3 && kw == 3) {
                    float w0 = byOutput[wb], w1 = byOutput[wb + 1], w2 = byOutput[wb + 2], w3 = byOutput[wb + 3];
                    float w4 = byOutput[wb + 4], w5 = byOutput[wb + 5], w6 = byOutput[wb + 6], w7 = byOutput[wb + 7];
                    float w8 = byOutput[wb + 8];
                    for (int oy = 0; oy < oh; oy++) {
                        int r0 = oy * stride * wp, r1 = r0 + wp, r2 = r1 + wp, o = oy * ow;
                        for (int ox = 0; ox < ow; ox++) {
                            int i = ox * stride;
                            float s = b + w0 * padded[r0 + i] + w1 * padded[r0 + i + 1] + w2 * padded[r0 + i + 2]
                                    + w3 * padded[r1 + i] + w4 * padded[r1 + i + 1] + w5 * padded[r1 + i + 2]
                                    + w6 * padded[r2 + i] + w7 * padded[r2 + i + 1] + w8 * padded[r2 + i + 2];
                            out[o + ox] = clamp ? Math.min(Math.max(s, 0f), clampMax) : s;
                        }
                    }
                } else {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float s = b;
                            for (int t = 0; t < taps; t++) {
                                s += padded[(oy * stride + t / kw) * wp + ox * stride + t % kw] * byOutput[wb + t];
                            }
                            out[oy * ow + ox] = clamp ? Math.min(Math.max(s, 0f), clampMax) : s;
                        }
                    }
                }
            }
        }
    }

    /** PLANES to PIXELS or back (once, where the network's side falls to {@link #PIXELS_UP_TO} pixels). */
    static Tensor transpose(Tensor t, float[][] y) {
        int n = t.h * t.w;
        if (t.layout == Layout.PLANES) {
            for (int c = 0; c < t.c; c++) {
                float[] plane = t.rows[c];
                for (int p = 0; p < n; p++) y[p][c] = plane[p];
            }
            return new Tensor(t.h, t.w, t.c, Layout.PIXELS, y);
        }
        for (int p = 0; p < n; p++) {
            float[] pixel = t.rows[p];
            for (int c = 0; c < t.c; c++) y[c][p] = pixel[c];
        }
        return new Tensor(t.h, t.w, t.c, Layout.PLANES, y);
    }

    private static final class Add extends Op {
        final int a, b;

        Add(int a, int b, int out) {
            super(out);
            this.a = a;
            this.b = b;
        }

        @Override
        int[] inputs() {
            return new int[] {a, b};
        }

        @Override
        int[] shape(int[][] shapes) {
            return shapes[a];
        }

        @Override
        Tensor run(Tensor[] values, Workspace ws) {
            Tensor x = values[a], z = values[b];
            if (x.layout != z.layout || x.rows.length != z.rows.length) throw new IllegalStateException("add of unlike tensors");
            float[][] y = ws.output(out, x.rows.length, x.rows[0].length);
            for (int r = 0; r < y.length; r++) Kernels.add(y[r], x.rows[r], z.rows[r], y[r].length);
            return new Tensor(x.h, x.w, x.c, x.layout, y);
        }
    }

    /** Average pooling whose window covers the whole input (this model's 7 × 7 pool on 7 × 7): a global mean. */
    private static final class GlobalAverage extends Op {
        final int in;

        GlobalAverage(int in, int out) {
            super(out);
            this.in = in;
        }

        @Override
        int[] inputs() {
            return new int[] {in};
        }

        @Override
        int[] shape(int[][] shapes) {
            return new int[] {1, 1, shapes[in][2]};
        }

        @Override
        Tensor run(Tensor[] values, Workspace ws) {
            Tensor x = values[in];
            float[] y = ws.output(out, 1, x.c)[0];
            java.util.Arrays.fill(y, 0f);
            int n = x.h * x.w;
            if (x.layout == Layout.PIXELS) {
                for (int p = 0; p < n; p++) Kernels.add(y, y, x.rows[p], x.c);
            } else {
                for (int c = 0; c < x.c; c++) {
                    float s = 0;
                    for (float v : x.rows[c]) s += v;
                    y[c] = s;
                }
            }
            for (int c = 0; c < x.c; c++) y[c] /= n;
            return new Tensor(1, 1, x.c, Layout.PIXELS, new float[][] {y});
        }
    }

    private static final class Dense extends Op {
        final int in, units;
        final float[] kernel; // [in][units]
        final float[] bias;
        final String activation;
        float[][] rows;

        Dense(int in, int out, float[] kernel, float[] bias, int units, String activation) {
            super(out);
            this.in = in;
            this.kernel = kernel;
            this.bias = bias;
            this.units = units;
            this.activation = activation;
        }

        @Override
        void prepare() {
            rows = new float[kernel.length / units][];
            for (int i = 0; i < rows.length; i++) rows[i] = java.util.Arrays.copyOfRange(kernel, i * units, (i + 1) * units);
        }

        @Override
        int[] inputs() {
            return new int[] {in};
        }

        @Override
        int[] shape(int[][] shapes) {
            return new int[] {1, 1, units};
        }

        @Override
        Tensor run(Tensor[] values, Workspace ws) {
            Tensor t = values[in];
            if (t.layout != Layout.PIXELS || t.rows.length != 1 || t.c != rows.length) {
                throw new IllegalStateException("dense layer on a " + t.h + "x" + t.w + "x" + t.c + " tensor");
            }
            float[] y = ws.output(out, 1, units)[0];
            System.arraycopy(bias, 0, y, 0, units);
            Kernels.combine(y, rows, t.rows[0], 0, rows.length, 0, units);
            switch (activation) {
                case "relu" -> Kernels.clamp(y, Float.MAX_VALUE, 0, units);
                case "softmax" -> Kernels.softmax(y);
                case "linear" -> { }
                default -> throw new IllegalStateException("unsupported activation " + activation);
            }
            return new Tensor(1, 1, units, Layout.PIXELS, new float[][] {y});
        }
    }

    // ------------------------------------------------------------------ building from the Keras topology

    private static final class Builder {
        final Map<String, float[]> weights;
        final Map<String, int[]> shapes;
        final Map<String, Integer> slotOf = new HashMap<>();
        /** A tensor the next convolution will pad (ZeroPadding2D fused into it): layer → [source slot, pads]. */
        final Map<String, int[]> pending = new HashMap<>();
        final Map<Integer, Op> producer = new HashMap<>();
        final Map<String, Integer> consumers = new HashMap<>();
        final List<Op> ops = new ArrayList<>();
        int nextSlot = 1;
        int side;

        Builder(Map<String, float[]> weights, Map<String, int[]> shapes) {
            this.weights = weights;
            this.shapes = shapes;
        }

        NsfwModel build(JsonNode config) {
            Map<String, JsonNode> layers = new LinkedHashMap<>();
            for (JsonNode layer : config.path("layers")) {
                layers.put(layer.path("name").asText(), layer);
                for (String input : inputs(layer)) consumers.merge(input, 1, Integer::sum);
            }
            for (JsonNode layer : layers.values()) add(layer);
            String output = config.path("output_layers").path(0).path(0).asText();
            for (int i = 0; i < ops.size(); i++) {
                ops.get(i).index = i;
                ops.get(i).prepare();
            }
            return new NsfwModel(side, List.copyOf(ops), slot(output), nextSlot);
        }

        void add(JsonNode layer) {
            String name = layer.path("name").asText();
            String kind = layer.path("class_name").asText();
            JsonNode cfg = layer.path("config");
            List<String> inputs = inputs(layer);
            switch (kind) {
                case "InputLayer" -> {
                    JsonNode shape = cfg.path("batch_input_shape");
                    side = shape.path(1).asInt();
                    if (shape.path(2).asInt() != side || shape.path(3).asInt() != 3) {
                        throw new IllegalStateException("expected a square RGB input");
                    }
                    slotOf.put(name, 0);
                }
                case "ZeroPadding2D" -> {
                    JsonNode p = cfg.path("padding");
                    pending.put(name, new int[] {slot(inputs.get(0)), p.path(0).path(0).asInt(), p.path(0).path(1).asInt(),
                            p.path(1).path(0).asInt(), p.path(1).path(1).asInt()});
                }
                case "Conv2D", "DepthwiseConv2D" -> conv(name, kind.equals("DepthwiseConv2D"), cfg, inputs.get(0));
                case "BatchNormalization" -> foldBatchNorm(name, cfg, inputs.get(0));
                case "ReLU" -> fuseRelu(name, cfg, inputs.get(0));
                case "Add" -> emit(name, new Add(slot(inputs.get(0)), slot(inputs.get(1)), nextSlot));
                case "AveragePooling2D" -> emit(name, new GlobalAverage(slot(inputs.get(0)), nextSlot));
                case "Flatten", "Dropout" -> slotOf.put(name, slot(inputs.get(0))); // identity at inference
                case "Dense" -> {
                    float[] kernel = weight(name + "/kernel");
                    int units = cfg.path("units").asInt();
                    float[] bias = cfg.path("use_bias").asBoolean() ? weight(name + "/bias") : new float[units];
                    emit(name, new Dense(slot(inputs.get(0)), nextSlot, kernel, bias, units,
                            cfg.path("activation").asText()));
                }
                default -> throw new IllegalStateException("unsupported layer " + kind + " (" + name + ")");
            }
        }

        void conv(String name, boolean depthwise, JsonNode cfg, String input) {
            int kh = cfg.path("kernel_size").path(0).asInt(), kw = cfg.path("kernel_size").path(1).asInt();
            int stride = cfg.path("strides").path(0).asInt();
            if (stride != cfg.path("strides").path(1).asInt() || cfg.path("dilation_rate").path(0).asInt(1) != 1) {
                throw new IllegalStateException(name + ": unsupported strides or dilation");
            }
            if (!"linear".equals(cfg.path("activation").asText())) throw new IllegalStateException(name + ": activation");
            if (depthwise && cfg.path("depth_multiplier").asInt(1) != 1) throw new IllegalStateException(name + ": depth multiplier");
            float[] kernel = weight(name + (depthwise ? "/depthwise_kernel" : "/kernel"));
            int[] shape = shapes.get(name + (depthwise ? "/depthwise_kernel" : "/kernel"));
            int cin = shape[2], cout = depthwise ? cin : shape[3];
            float[] bias = cfg.path("use_bias").asBoolean() ? weight(name + "/bias") : new float[cout];
            int source;
            int[] pad = new int[4];
            int[] padded = pending.get(input);
            if (padded != null) {
                source = padded[0];
                System.arraycopy(padded, 1, pad, 0, 4);
            } else {
                source = slot(input);
            }
            if ("same".equals(cfg.path("padding").asText())) {
                // TensorFlow's SAME: total padding so that out = ceil(in / stride), the odd pixel at the end
                int inSide = sideOf(source);
                int out = (inSide + stride - 1) / stride;
                int totalH = Math.max((out - 1) * stride + kh - inSide, 0);
                int totalW = Math.max((out - 1) * stride + kw - inSide, 0);
                pad = new int[] {pad[0] + totalH / 2, pad[1] + totalH - totalH / 2, pad[2] + totalW / 2, pad[3] + totalW - totalW / 2};
            }
            emit(name, new Conv(source, nextSlot, depthwise, kh, kw, stride, pad, cin, cout, kernel, bias));
        }

        /** Spatial side of a slot's tensor, tracked from the input through every convolution. */
        int sideOf(int slot) {
            if (slot == 0) return side;
            Op op = producer.get(slot);
            if (op instanceof Conv c) return (sideOf(c.in) + c.padTop + c.padBottom - c.kh) / c.stride + 1;
            if (op instanceof Add a) return sideOf(a.a);
            throw new IllegalStateException("cannot infer the size of slot " + slot);
        }

        void foldBatchNorm(String name, JsonNode cfg, String input) {
            Op op = producer.get(slot(input));
            if (!(op instanceof Conv conv) || consumers.getOrDefault(input, 0) != 1 || !Float.isNaN(conv.clampMax)) {
                throw new IllegalStateException(name + ": batch normalisation not directly after a convolution");
            }
            float[] gamma = weight(name + "/gamma"), beta = weight(name + "/beta");
            float[] mean = weight(name + "/moving_mean"), variance = weight(name + "/moving_variance");
            double epsilon = cfg.path("epsilon").asDouble();
            int channels = conv.cout;
            for (int co = 0; co < channels; co++) {
                double scale = gamma[co] / Math.sqrt(variance[co] + epsilon);
                conv.bias[co] = (float) ((conv.bias[co] - mean[co]) * scale + beta[co]);
                for (int i = co; i < conv.kernel.length; i += channels) conv.kernel[i] = (float) (conv.kernel[i] * scale);
            }
            slotOf.put(name, conv.out);
        }

        void fuseRelu(String name, JsonNode cfg, String input) {
            Op op = producer.get(slot(input));
            if (!(op instanceof Conv conv) || consumers.getOrDefault(input, 0) != 1
                    || cfg.path("negative_slope").asDouble() != 0 || cfg.path("threshold").asDouble() != 0) {
                throw new IllegalStateException(name + ": ReLU not directly after a convolution");
            }
            conv.clampMax = cfg.path("max_value").isNumber() ? (float) cfg.path("max_value").asDouble() : Float.MAX_VALUE;
            slotOf.put(name, conv.out);
        }

        void emit(String name, Op op) {
            ops.add(op);
            producer.put(op.out, op);
            slotOf.put(name, op.out);
            nextSlot++;
        }

        int slot(String layer) {
            Integer s = slotOf.get(layer);
            if (s == null) throw new IllegalStateException("layer " + layer + " used before it is computed");
            return s;
        }

        float[] weight(String name) {
            float[] w = weights.get(name);
            if (w == null) throw new IllegalStateException("weight " + name + " missing");
            return w;
        }

        static List<String> inputs(JsonNode layer) {
            List<String> names = new ArrayList<>();
            for (JsonNode node : layer.path("inbound_nodes")) {
                for (JsonNode edge : node) names.add(edge.path(0).asText());
            }
            return names;
        }
    }

    private static byte[] concat(Files files, JsonNode paths) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (JsonNode path : paths) {
            try (InputStream in = files.open(path.asText() + ".bin")) {
                if (in == null) throw new IllegalStateException(path.asText() + ".bin is missing");
                byte[] part = in.readAllBytes();
                parts.add(part);
                total += part.length;
            }
        }
        byte[] all = new byte[total];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) values[i] = array.path(i).asInt();
        return values;
    }
}
