package org.sightline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {
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

    private Path copy(String resource) throws IOException {
        Path target = dir.resolve(resource.replace('/', '_'));
        try (InputStream in = getClass().getResourceAsStream("/pdq/images/" + resource)) {
            Files.copy(in, target);
        }
        return target;
    }

    /** {@code exact=yes} rows of expected-hashes.csv: path → {pdq, quality}. */
    private static Map<String, String[]> exactVectors() throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        try (InputStream in = CommandLineTest.class.getResourceAsStream("/pdq/expected-hashes.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(",");
                if (f.length > 6 && f[6].equals("yes")) rows.put(f[0], new String[]{f[4], f[5]});
            }
        }
        return rows;
    }

    @Test
    void hash_json_prints_every_exact_reference_vector_as_the_csv_lists_it() throws IOException {
        Map<String, String[]> vectors = exactVectors();
        List<String> args = new ArrayList<>(List.of("hash", "--json"));
        List<Path> files = new ArrayList<>();
        for (String path : vectors.keySet()) files.add(copy(path));
        files.forEach(f -> args.add(f.toString()));

        Run run = run(args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines).hasSize(vectors.size());
        ObjectMapper mapper = new ObjectMapper();
        int i = 0;
        for (String[] expected : vectors.values()) {
            JsonNode doc = mapper.readTree(lines[i]);
            assertThat(doc.get("file").asText()).isEqualTo(files.get(i).toString());
            assertThat(doc.get("pdq").asText()).isEqualTo(expected[0]);
            assertThat(doc.get("pdq_quality").asInt()).isEqualTo(Integer.parseInt(expected[1]));
            assertThat(doc.get("md5").asText()).hasSize(32);
            assertThat(doc.get("sha256").asText()).hasSize(64);
            assertThat(doc.get("phash").asText()).matches("[0-9a-f]{16}");
            assertThat(doc.get("dhash").asText()).matches("[0-9a-f]{16}");
            i++;
        }
    }

    @Test
    void hash_reports_one_line_per_failed_file_and_exits_non_zero() throws IOException {
        Path good = copy("bridge-mods/aaa-orig.jpg");
        Path empty = Files.createFile(dir.resolve("empty.jpg"));
        Path noise = Files.write(dir.resolve("noise.jpg"), "definitely not a picture".getBytes());
        Path missing = dir.resolve("missing.png");

        Run run = run("hash", good.toString(), empty.toString(), noise.toString(), missing.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("pdq     f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22  quality 100");
        assertThat(run.err().strip().split("\n")).containsExactly(
                empty + ": unsupported: empty file",
                noise + ": unsupported: not a supported image (JPEG, PNG, GIF, WebP or BMP expected)",
                missing + ": no such file");
    }

    @Test
    void hash_dihedral_prints_the_eight_variants() throws IOException {
        Path wee = copy("misc-images/wee.jpg");
        Run run = run("hash", "--json", "--dihedral", wee.toString());
        assertThat(run.exit()).isZero();
        JsonNode variants = new ObjectMapper().readTree(run.out()).get("pdq_dihedral");
        assertThat(variants.size()).isEqualTo(8);
        assertThat(variants.get("rotate90").asText())
                .isEqualTo("1d43091e38bdea750e55e2d58e41f01e1daee6a184e19ea57c0701fce1fe18de");
    }

    @Test
    void hash_without_files_is_a_usage_error() {
        Run run = run("hash");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter");
    }
}
