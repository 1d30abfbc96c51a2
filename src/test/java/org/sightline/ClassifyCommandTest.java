package org.sightline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClassifyCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Path copy(String resource) throws Exception {
        Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        return target;
    }

    @Test
    void classify_json_prints_file_model_and_the_five_lower_case_scores_per_file() throws Exception {
        Path bridge = copy("/pdq/images/bridge-mods/aaa-orig.jpg");
        Path drawing = copy("/classify/drawing.png");
        Run run = run("classify", "--json", bridge.toString(), drawing.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode first = mapper.readTree(lines[0]);
        assertThat(first.path("file").asText()).isEqualTo(bridge.toString());
        assertThat(first.path("model").asText()).isEqualTo("nsfwjs-mobilenet-v2@4.4.0");
        assertThat(first.path("scores").fieldNames()).toIterable()
                .containsExactly("drawing", "hentai", "neutral", "porn", "sexy");
        double sum = 0;
        for (JsonNode score : first.path("scores")) sum += score.asDouble();
        assertThat(sum).isCloseTo(1.0, within(1e-3));
        // the 224 x 224 fixture is classified as nsfwjs classifies it (reference file beside it)
        JsonNode second = mapper.readTree(lines[1]);
        JsonNode reference = mapper.readTree(getClass().getResourceAsStream("/classify/nsfwjs-reference.json"));
        assertThat(second.path("scores").path("neutral").asDouble())
                .isCloseTo(reference.path("drawing.png").path("neutral").asDouble(), within(0.01));
    }

    @Test
    void classify_reports_each_failed_file_on_one_line_and_exits_non_zero() throws Exception {
        Path good = copy("/classify/drawing.png");
        Path notAnImage = Files.writeString(dir.resolve("notes.txt"), "not an image");
        Run run = run("classify", good.toString(), notAnImage.toString(), dir.resolve("missing.jpg").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("nsfwjs-mobilenet-v2@4.4.0").contains("neutral");
        assertThat(run.err().strip().split("\n")).hasSize(2);
        assertThat(run.err()).contains("notes.txt: ").contains("missing.jpg: no such file");
    }

    @Test
    void classify_uses_the_configured_model_dir_and_fails_clearly_when_it_holds_no_model() throws Exception {
        Path good = copy("/classify/drawing.png");
        Path empty = Files.createDirectory(dir.resolve("no-model"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[]{"classify", good.toString()},
                Map.of("SIGHTLINE_CLASSIFIER_LOCAL_MODEL_DIR", empty.toString()),
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).isNotZero();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("the classifier's model could not be loaded from " + empty)
                .contains("model.json is missing");
    }
}
