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
 * short list of convolutions, residual adds, one global average pool and three dense layers over float
 * arrays in channels-last (HWC) order. An instance is immutable and thread-safe: every call allocates its
 * own activation buffers.
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

    private NsfwModel(int inputSide, List<Op> ops, int outputSlot, int slots) {
        this.inputSide = inputSide;
        this.ops = ops;
        this.outputSlot = outputSlot;
        this.slots = slots;
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
        Tensor[] values = new Tensor[slots];
        values[0] = new Tensor(inputSide, inputSide, 3, rgb);
        for (Op op : ops) values[op.out] = op.run(values);
        return values[outputSlot].data;
    }

    // ------------------------------------------------------------------ tensors and operations

    /** Activations of one image, channels last. */
    record Tensor(int h, int w, int c, float[] data) {
    }

    private abstract static class Op {
        final int out;

        Op(int out) {
            this.out = out;
        }

        abstract Tensor run(Tensor[] values);
    }

    /** Convolution (regular or depthwise) with folded batch norm as bias, explicit padding, optional clamp. */
    private static final class Conv extends Op {
        final int in;
        final boolean depthwise;
        final int kh, kw, stride, padTop, padLeft, padBottom, padRight, cin, cout;
        final float[] kernel; // [kh][kw][cin][cout] (regular) or [kh][kw][c] (depthwise)
        final float[] bias;
        float clampMax = Float.NaN; // ReLU6 when 6; NaN for linear

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
        Tensor run(Tensor[] values) {
            Tensor x = values[in];
            int oh = (x.h + padTop + padBottom - kh) / stride + 1;
            int ow = (x.w + padLeft + padRight - kw) / stride + 1;
            float[] y = new float[oh * ow * cout];
            if (depthwise) {
                Kernels.depthwise(x.data, x.h, x.w, cin, kernel, kh, kw, stride, padTop, padLeft, bias, y, oh, ow);
            } else if (kh == 1 && kw == 1 && stride == 1 && padTop + padLeft + padBottom + padRight == 0) {
                Kernels.pointwise(x.data, x.h * x.w, cin, kernel, cout, bias, y);
            } else {
                Kernels.conv(x.data, x.h, x.w, cin, kernel, kh, kw, stride, padTop, padLeft, cout, bias, y, oh, ow);
            }
            if (!Float.isNaN(clampMax)) Kernels.clamp(y, 0f, clampMax);
            return new Tensor(oh, ow, cout, y);
        }
    }

    private static final class Add extends Op {
        final int a, b;

        Add(int a, int b, int out) {
            super(out);
            this.a = a;
            this.b = b;
        }

        @Override
        Tensor run(Tensor[] values) {
            Tensor x = values[a], z = values[b];
            float[] y = new float[x.data.length];
            for (int i = 0; i < y.length; i++) y[i] = x.data[i] + z.data[i];
            return new Tensor(x.h, x.w, x.c, y);
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
        Tensor run(Tensor[] values) {
            Tensor x = values[in];
            float[] y = new float[x.c];
            int n = x.h * x.w;
            for (int p = 0; p < n; p++) {
                int base = p * x.c;
                for (int c = 0; c < x.c; c++) y[c] += x.data[base + c];
            }
            for (int c = 0; c < x.c; c++) y[c] /= n;
            return new Tensor(1, 1, x.c, y);
        }
    }

    private static final class Dense extends Op {
        final int in, units;
        final float[] kernel; // [in][units]
        final float[] bias;
        final String activation;

        Dense(int in, int out, float[] kernel, float[] bias, int units, String activation) {
            super(out);
            this.in = in;
            this.kernel = kernel;
            this.bias = bias;
            this.units = units;
            this.activation = activation;
        }

        @Override
        Tensor run(Tensor[] values) {
            float[] x = values[in].data;
            float[] y = bias.clone();
            Kernels.pointwise(x, 1, x.length, kernel, units, null, y);
            switch (activation) {
                case "relu" -> Kernels.clamp(y, 0f, Float.MAX_VALUE);
                case "softmax" -> Kernels.softmax(y);
                case "linear" -> { }
                default -> throw new IllegalStateException("unsupported activation " + activation);
            }
            return new Tensor(1, 1, units, y);
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
