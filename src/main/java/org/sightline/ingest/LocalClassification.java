package org.sightline.ingest;

import org.sightline.classify.ClassScores;
import org.sightline.classify.LocalClassifier;
import org.sightline.classify.ModelInput;
import org.sightline.classify.NsfwModel;
import org.sightline.decide.Classification;
import org.sightline.hashing.ImageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * The in-process classifier as ingest runs it: on or off (globally, per instance), or unavailable because its
 * model could not be loaded, in which case every image it should have classified goes to review with the reason
 * (fail closed), as a failing scanner plugin's would.
 */
public final class LocalClassification {
    private static final Logger log = LoggerFactory.getLogger(LocalClassification.class);

    /** The classifier's name on cases, in the scan API and in metrics. */
    public static final String NAME = "local";

    private final ClassifierSettings settings;
    private final java.util.function.Supplier<LocalClassifier> loader;
    /** Loaded on first use, so that starting a server costs nothing until an image arrives. */
    private volatile LocalClassifier classifier;
    private volatile String unavailable;

    private LocalClassification(ClassifierSettings settings, java.util.function.Supplier<LocalClassifier> loader) {
        this.settings = settings;
        this.loader = loader;
    }

    /** The bundled model, or the one in {@code classifier.local.model_dir}; loaded (and a failure kept) on first use. */
    public static LocalClassification load(ClassifierSettings settings) {
        return new LocalClassification(settings, () -> LocalClassifier.load(settings.modelDir()));
    }

    /**
     * Starts loading the model on a background thread (about a second of CPU), so that start-up is not held
     * up and the first image, perhaps a pict-rs upload with a time budget, does not pay for it.
     */
    public LocalClassification preload() {
        if (!settings.enabled()) return this;
        Thread t = new Thread(this::classifier, "classifier-load");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return this;
    }

    private LocalClassifier classifier() {
        LocalClassifier c = classifier;
        if (c != null || unavailable != null) return c;
        synchronized (this) {
            if (classifier == null && unavailable == null) {
                try {
                    classifier = loader.get();
                } catch (RuntimeException e) {
                    unavailable = "model could not be loaded: " + ImageDecoder.oneLine(e);
                    log.error("event=classifier_unavailable classifier={} reason=\"{}\" (images go to review)", NAME,
                            unavailable);
                }
            }
            return classifier;
        }
    }

    public boolean runsFor(String instanceName) {
        return settings.runsFor(instanceName);
    }

    /**
     * The model's input of one decoded image (a 224 × 224 area average), taken while the decoder still holds the
     * image; null when the classifier is unavailable ({@link #classify(float[])} then says why).
     */
    public float[] input(BufferedImage image) {
        LocalClassifier classifier = classifier();
        return classifier == null ? null : ModelInput.areaAveraged(image, classifier.inputSide());
    }

    /**
     * The scores of one prepared input, or the error it failed with. Run after the decoder has released the
     * image, so that inference (the costly part) holds neither a decode permit nor the pixel budget.
     */
    public Classification.Result classify(float[] input) {
        LocalClassifier classifier = classifier();
        if (classifier == null || input == null) {
            // the model could not be loaded (input() then gave nothing): the image goes to review with the reason
            return new Classification.Result(NAME, NsfwModel.NAME, NsfwModel.VERSION, null,
                    java.util.Objects.requireNonNullElse(unavailable, "model not loaded"));
        }
        try {
            ClassScores s = classifier.classifyInput(input);
            return new Classification.Result(NAME, s.model(), s.version(), s.scores(), null);
        } catch (RuntimeException e) {
            return new Classification.Result(NAME, NsfwModel.NAME, NsfwModel.VERSION, null, ImageDecoder.oneLine(e));
        }
    }

    /** The label with the highest score, for metrics. */
    static String top(Map<String, Double> scores) {
        return scores.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("none");
    }
}
