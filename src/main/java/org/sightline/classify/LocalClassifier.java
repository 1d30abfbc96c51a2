package org.sightline.classify;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-process image classifier: nsfwjs' MobileNetV2 on an area-averaged 224 × 224 copy of the decoded
 * image. Loading dequantises the weights once (about a tenth of a second); one instance serves every thread.
 */
public final class LocalClassifier {
    private final NsfwModel model;

    public LocalClassifier(NsfwModel model) {
        this.model = model;
    }

    public static LocalClassifier load() {
        return new LocalClassifier(NsfwModel.load());
    }

    /**
     * The model in {@code modelDir} ({@code classifier.local.model_dir}), or the bundled one when none is set;
     * the server and the {@code classify} command load it alike. Throws when the model cannot be loaded.
     */
    public static LocalClassifier load(java.util.Optional<String> modelDir) {
        return new LocalClassifier(modelDir.map(dir -> NsfwModel.load(java.nio.file.Path.of(dir)))
                .orElseGet(NsfwModel::load));
    }

    public String modelName() {
        return NsfwModel.NAME;
    }

    public String modelVersion() {
        return NsfwModel.VERSION;
    }

    public int inputSide() {
        return model.inputSide();
    }

    /** Scores of a decoded image, downscaled by area averaging. */
    public ClassScores classify(BufferedImage image) {
        return classifyInput(ModelInput.areaAveraged(image, model.inputSide()));
    }

    /** Scores of a prepared model input ({@link ModelInput}). */
    public ClassScores classifyInput(float[] input) {
        float[] p = model.predict(input);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int i = 0; i < NsfwModel.CLASSES.size(); i++) scores.put(NsfwModel.CLASSES.get(i), (double) p[i]);
        return new ClassScores(NsfwModel.NAME, NsfwModel.VERSION, scores);
    }
}
