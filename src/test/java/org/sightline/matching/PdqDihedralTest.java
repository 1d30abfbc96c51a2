package org.sightline.matching;

import org.junit.jupiter.api.Test;
import org.sightline.hashing.PdqHash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PdqDihedralTest {
    /**
     * Measured over expected-dihedral.csv (40 images of quality ≥ 50, 7 derived variants each): most are within
     * 0..6 bits, 90 % within 16, and the worst is 28 (misc-images/c.png, a synthetic image whose DCT values
     * crowd the median, so the median shift after sign flips moves many bits).
     */
    static final int MAX_BOUND = 28;
    static final int P90_BOUND = 16;

    @Test
    void derived_variants_are_close_to_the_true_ones() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/pdq/expected-dihedral.csv"));
        assertThat(lines.get(0)).isEqualTo("path,quality,original,rotate90,rotate180,rotate270,flipx,flipy,flip_plus1,flip_minus1");
        int rows = 0, max = 0;
        long sum = 0;
        List<Integer> all = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (Integer.parseInt(f[1]) < 50) continue; // unreliable hashes: the DCT signs carry little
            PdqHash original = PdqHash.parse(f[2]);
            List<PdqHash> derived = PdqDihedral.variants(original);
            assertThat(derived.get(0)).isEqualTo(original);
            for (int v = 1; v < 8; v++) {
                int d = derived.get(v).distance(PdqHash.parse(f[2 + v]));
                assertThat(d).as("%s %s", f[0], PdqDihedral.NAMES.get(v)).isLessThanOrEqualTo(MAX_BOUND);
                all.add(d);
                max = Math.max(max, d);
                sum += d;
            }
            rows++;
        }
        assertThat(rows).isGreaterThan(5);
        java.util.Collections.sort(all);
        assertThat(all.get((int) Math.ceil(all.size() * 0.9) - 1)).as("90th percentile").isLessThanOrEqualTo(P90_BOUND);
        // flip_plus1 is a pure transpose: no sign changes, same median, so it is exact.
        assertThat(all.get(0)).isZero();
        System.out.printf("derived dihedral variants: %d images, max distance %d, mean %.2f%n", rows, max, sum / (7.0 * rows));
    }

    @Test
    void a_variant_of_a_variant_is_the_expected_composition() {
        PdqHash h = PdqIndexTest.random(new java.util.SplittableRandom(5));
        // Rotating by 90° four times, or by 180° twice, gives the hash back (exactly, at bit level).
        PdqHash r = h;
        for (int i = 0; i < 4; i++) r = PdqDihedral.variant(r, 1);
        assertThat(r).isEqualTo(h);
        assertThat(PdqDihedral.variant(PdqDihedral.variant(h, 2), 2)).isEqualTo(h);
        // Each mirror is its own inverse.
        for (int v : new int[]{4, 5, 6, 7}) assertThat(PdqDihedral.variant(PdqDihedral.variant(h, v), v)).isEqualTo(h);
    }
}
