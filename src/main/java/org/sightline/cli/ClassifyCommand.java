package org.sightline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.classify.ClassScores;
import org.sightline.classify.LocalClassifier;
import org.sightline.config.Config;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.MediaException;
import org.sightline.ingest.ClassifierSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code classify [--json] FILE...}: the local classifier's five scores per file, in the order given. */
@Command(name = "classify", description = "Print the local classifier's model and its five class scores for image files.")
public final class ClassifyCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @CommandLine.Mixin
    ConfigOption configOption = new ConfigOption();
    @Option(names = "--json", description = "One JSON object per line: file, model, scores")
    boolean json;
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ClassifyCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        Config config = configOption.load(env);
        ImageDecoder decoder = new ImageDecoder(config.maxPixels(), 1);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> modelDir = ClassifierSettings.MODEL_DIR.from(config);
        LocalClassifier classifier;
        try {
            classifier = LocalClassifier.load(modelDir); // the model the server would use
        } catch (RuntimeException e) {
            err.println("the classifier's model could not be loaded from "
                    + modelDir.map(dir -> dir + " (classifier.local.model_dir)").orElse("the bundled files") + ": "
                    + ImageDecoder.oneLine(e));
            return 2;
        }
        ObjectMapper mapper = new ObjectMapper();
        int failed = 0;
        for (Path file : files) {
            ClassScores scores;
            try {
                long size = Files.size(file);
                if (size > config.maxMediaBytes()) {
                    throw new UserError("too_large: " + size + " bytes is over the limit of " + config.maxMediaBytes());
                }
                scores = decoder.decode(Files.readAllBytes(file), d -> classifier.classify(d.image()));
            } catch (MediaException e) {
                err.println(file + ": " + e.reason().label() + ": " + e.getMessage());
                failed++;
                continue;
            } catch (NoSuchFileException e) {
                err.println(file + ": no such file");
                failed++;
                continue;
            } catch (UserError e) {
                err.println(file + ": " + e.getMessage());
                failed++;
                continue;
            } catch (IOException e) {
                err.println(file + ": cannot read: " + ImageDecoder.oneLine(e));
                failed++;
                continue;
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("file", file.toString());
                doc.put("model", scores.model() + "@" + scores.version());
                doc.put("scores", scores.scores());
                out.println(mapper.writeValueAsString(doc));
            } else {
                out.println(file);
                out.printf(Locale.ROOT, "  model    %s@%s%n", scores.model(), scores.version());
                scores.scores().forEach((label, score) -> out.printf(Locale.ROOT, "  %-8s %.4f%n", label, score));
            }
            out.flush();
        }
        return failed == 0 ? 0 : 1;
    }
}
