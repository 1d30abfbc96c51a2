package org.sightline.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NsfwModelTest {
    private static LocalClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = LocalClassifier.load();
    }

    @Test
    void bundledModelFilesMatchTheirProvenanceChecksums() throws Exception {
        String provenance = new String(resource(NsfwModel.RESOURCE_DIR + "PROVENANCE"), StandardCharsets.UTF_8);
        assertThat(provenance).contains("package: nsfwjs").contains("version: " + NsfwModel.VERSION);
        List<String> checked = new ArrayList<>();
        for (String line : provenance.split("\n")) {
            if (!line.startsWith("sha256: ")) continue;
            String[] parts = line.substring("sha256: ".length()).split("\\s+");
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(resource(NsfwModel.RESOURCE_DIR + parts[1]));
            assertThat(HexFormat.of().formatHex(digest)).as(parts[1]).isEqualTo(parts[0]);
            checked.add(parts[1]);
        }
        assertThat(checked).containsExactlyInAnyOrder("LICENSE", "group1-shard1of1.bin", "model.json");
    }

    /** Reference scores from nsfwjs 4.4.0's classify() under Node (src/tools/nsfwjs-reference.mjs). */
    @Test
    void reproducesNsfwjsWithinOneHundredthOnEveryFixture() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(resource("/classify/nsfwjs-reference.json"));
        assertThat(reference.size()).isGreaterThanOrEqualTo(5);
        for (Iterator<Map.Entry<String, JsonNode>> it = reference.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> fixture = it.next();
            BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(resource("/classify/" + fixture.getKey())));
            ClassScores scores = classifier.classifyInput(ModelInput.exact(image, 224));
            assertThat(scores.scores().keySet()).containsExactlyElementsOf(NsfwModel.CLASSES);
            for (String label : NsfwModel.CLASSES) {
                assertThat(scores.score(label)).as(fixture.getKey() + " " + label)
                        .isCloseTo(fixture.getValue().path(label).asDouble(), within(0.01));
            }
        }
    }

    /** Inference reuses pooled buffers: nothing of one image may leak into the next, nor between threads. */
    @Test
    void reusedAndConcurrentWorkspacesGiveTheSameScoresAsAFreshRun() throws Exception {
        float[] bridge = ModelInput.exact(ImageIO.read(new java.io.ByteArrayInputStream(resource("/classify/bridge.png"))), 224);
        float[] drawing = ModelInput.exact(ImageIO.read(new java.io.ByteArrayInputStream(resource("/classify/drawing.png"))), 224);
        NsfwModel fresh = NsfwModel.load();
        float[] first = fresh.predict(bridge);
        float[] other = fresh.predict(drawing);
        assertThat(fresh.predict(bridge)).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                float[] input = i % 2 == 0 ? bridge : drawing;
                results.add(pool.submit(() -> fresh.predict(input)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).containsExactly(i % 2 == 0 ? first : other);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void scoresAreProbabilitiesThatSumToOne() {
        BufferedImage grey = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        ClassScores scores = classifier.classify(grey);
        assertThat(scores.model()).isEqualTo("nsfwjs-mobilenet-v2");
        assertThat(scores.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void areaAveragingOfAUniformImageKeepsItsColourAtAnySize() {
        for (int[] size : new int[][] {{1000, 700}, {224, 224}, {100, 50}, {225, 3000}}) {
            BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) for (int x = 0; x < size[0]; x++) image.setRGB(x, y, 0x336699);
            float[] input = ModelInput.areaAveraged(image, 224);
            assertThat(input).hasSize(224 * 224 * 3);
            for (int i = 0; i < input.length; i += 3) {
                assertThat(input[i]).isCloseTo(0x33 / 255f, within(1e-4f));
                assertThat(input[i + 1]).isCloseTo(0x66 / 255f, within(1e-4f));
                assertThat(input[i + 2]).isCloseTo(0x99 / 255f, within(1e-4f));
            }
        }
    }

    @Test
    void areaAveragingAveragesEveryPixelNotASample() {
        // one-pixel stripes, alternately black and white: the mean grey, where a point sample sees one stripe
        BufferedImage stripes = new BufferedImage(2240, 224, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 224; y++) for (int x = 0; x < 2240; x++) stripes.setRGB(x, y, x % 2 == 0 ? 0xffffff : 0);
        float[] input = ModelInput.areaAveraged(stripes, 224);
        assertThat(input[0]).isCloseTo(0.5f, within(1e-4f));
        assertThat(input[input.length / 2]).isCloseTo(0.5f, within(1e-4f));
    }

    /** The raster is read directly for the common types and through getRGB for the rest: the same input either way. */
    @Test
    void areaAveragingReadsEveryImageTypeAlike() throws Exception {
        BufferedImage photo = ImageIO.read(new java.io.ByteArrayInputStream(resource("/classify/bridge.png")));
        float[] expected = null;
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_INT_BGR}) {
            BufferedImage copy = new BufferedImage(photo.getWidth() + 7, photo.getHeight() + 3, type);
            java.awt.Graphics2D g = copy.createGraphics();
            g.drawImage(photo, 0, 0, copy.getWidth(), copy.getHeight(), null);
            g.dispose();
            float[] input = ModelInput.areaAveraged(copy, 224);
            if (expected == null) expected = input;
            else assertThat(input).as("type " + type).containsExactly(expected);
        }
    }

    private static byte[] resource(String path) throws Exception {
        try (InputStream in = NsfwModelTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }
}
