package org.sightline.boot;

import org.sightline.config.Config;
import org.sightline.config.KnownKeys;
import org.sightline.config.Setting;
import org.sightline.federation.ListSettings;
import org.sightline.ingest.IngestSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AllSettingsTest {
    @TempDir
    Path dir;

    /** A literal dotted key handed to a Config reader or a Setting declaration: config.integer("x.y", ...). */
    private static final Pattern LITERAL_KEY = Pattern.compile(
            "\\.(?:integer|longValue|bool|string|get|optional)\\(\\s*\"([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)+)\"\\s*[,)]");

    @Test
    void every_key_the_code_reads_is_declared() throws IOException {
        Set<String> read = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = LITERAL_KEY.matcher(Files.readString(f));
                while (m.find()) read.add(m.group(1));
            }
        }
        KnownKeys known = AllSettings.known();
        assertThat(read).as("keys read in src/main/java").hasSizeGreaterThan(40);
        assertThat(read.stream().filter(k -> !known.known(k)).toList())
                .as("keys read in src/main/java but declared by no feature's settings (add them to its KEYS)")
                .isEmpty();
    }

    @Test
    void the_readme_lists_every_declared_key_as_generated_from_the_declarations() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = AllSettings.known().markdownTable();
        assertThat(readme).as("README.md's configuration table; regenerate it from:\n" + table).contains(table);
    }

    @Test
    void the_example_configuration_lists_every_key_as_generated_from_the_declarations() throws IOException {
        String generated = AllSettings.known().exampleYaml();
        assertThat(Files.readString(Path.of("examples/sightline.yaml")))
                .as("examples/sightline.yaml; regenerate it from KnownKeys.exampleYaml():\n" + generated)
                .isEqualTo(generated);
        // As shipped it sets nothing; with every default uncommented, each key is known and reads as its default.
        Path asShipped = Files.writeString(dir.resolve("shipped.yaml"), generated);
        assertThat(Config.load(asShipped, Map.of()).fileKeys()).isEmpty();
        Path uncommented = Files.writeString(dir.resolve("all.yaml"),
                generated.replaceAll("(?m)^  # ([a-z0-9_.]+: .*)$", "  $1"));
        Config all = Config.load(uncommented, Map.of());
        assertThat(AllSettings.known().unknownKeys(all)).isEmpty();
        for (Setting<?> s : AllSettings.known().settings()) {
            if (!s.literalDefault()) continue;
            assertThat(all.fileKeys()).as("example sets " + s.name()).contains(s.name());
            assertThat(s.from(all)).as(s.name()).isEqualTo(s.from(Config.load(null, Map.of())));
        }
    }

    @Test
    void keys_are_declared_once_with_a_description() {
        for (Setting<?> s : AllSettings.known().settings()) {
            assertThat(s.description()).as(s.name()).isNotBlank();
        }
        assertThat(AllSettings.known().settings()).extracting(Setting::name).doesNotHaveDuplicates().hasSizeGreaterThan(50);
    }

    @Test
    void an_unknown_key_at_serve_start_is_reported_with_a_suggestion_and_start_goes_on() throws IOException {
        Path yaml = Files.writeString(dir.resolve("sightline.yaml"), """
                ingest:
                  worker: 8
                db:
                  password: s3cret
                """);
        Config config = Config.load(yaml, Map.of("SIGHTLINE_LISTS_SYNC_INTERVAL_SECONDS", "60",
                "SIGHTLINE_PLUGINS_WEBHOOK_URL", "https://hooks.example/x"));
        assertThat(AllSettings.reportUnknownKeys(config)).containsExactly(
                "unknown configuration key ingest.worker is ignored; did you mean ingest.workers?",
                "unknown environment variable SIGHTLINE_LISTS_SYNC_INTERVAL_SECONDS is ignored;"
                        + " did you mean SIGHTLINE_LISTS_SYNC_INTERVAL_S (lists.sync_interval_s)?");
    }

    @Test
    void environment_variables_of_keys_with_underscores_reach_the_feature_settings() {
        Config config = Config.load(null, Map.of("SIGHTLINE_LISTS_SYNC_INTERVAL_S", "30",
                "SIGHTLINE_INGEST_MAX_ATTEMPTS", "2", "SIGHTLINE_LISTS_SHARE_BANK", "shared"));
        assertThat(ListSettings.from(config).syncInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ListSettings.from(config).shareBank()).contains("shared");
        assertThat(IngestSettings.from(config).maxAttempts()).isEqualTo(2);
        assertThat(AllSettings.reportUnknownKeys(config)).isEmpty();
    }
}
