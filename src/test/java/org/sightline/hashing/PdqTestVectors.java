package org.sightline.hashing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The reference vectors copied from shared/pdq into the test resources (see pdq/NOTICE). */
final class PdqTestVectors {
    private PdqTestVectors() {
    }

    record Expected(String path, int width, int height, String sha256, String pdq, int quality, String exact, String note) {
    }

    record ExpectedDihedral(String path, int quality, List<String> variants) {
    }

    static byte[] image(String path) {
        return resource("/pdq/images/" + path);
    }

    static byte[] resource(String name) {
        try (InputStream in = PdqTestVectors.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Expected> hashes() {
        List<Expected> rows = new ArrayList<>();
        for (List<String> f : csv("/pdq/expected-hashes.csv")) {
            rows.add(new Expected(f.get(0), Integer.parseInt(f.get(1)), Integer.parseInt(f.get(2)), f.get(3), f.get(4),
                    Integer.parseInt(f.get(5)), f.get(6), f.size() > 7 ? f.get(7) : ""));
        }
        return rows;
    }

    static List<ExpectedDihedral> dihedral() {
        List<ExpectedDihedral> rows = new ArrayList<>();
        for (List<String> f : csv("/pdq/expected-dihedral.csv")) {
            rows.add(new ExpectedDihedral(f.get(0), Integer.parseInt(f.get(1)), List.copyOf(f.subList(2, 10))));
        }
        return rows;
    }

    /** A small CSV reader: comma-separated, double quotes around fields that contain commas; header skipped. */
    private static List<List<String>> csv(String name) {
        String[] lines = new String(resource(name), StandardCharsets.UTF_8).split("\r?\n");
        List<List<String>> rows = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            if (lines[n].isBlank()) continue;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (char c : lines[n].toCharArray()) {
                if (c == '"') quoted = !quoted;
                else if (c == ',' && !quoted) {
                    fields.add(field.toString());
                    field.setLength(0);
                } else field.append(c);
            }
            fields.add(field.toString());
            rows.add(fields);
        }
        return rows;
    }
}
