package org.sightline.hashing;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PdqHasherTest {
    private final ImageDecoder decoder = new ImageDecoder(50_000_000L, 2);
    private final PdqHasher hasher = new PdqHasher();

    private PdqResult pdq(String path) throws MediaException {
        return decoder.decode(PdqTestVectors.image(path), image -> hasher.hash(image.image()));
    }

    @TestFactory
    Stream<DynamicTest> reference_vectors_match_as_the_csv_requires() {
        return PdqTestVectors.hashes().stream().map(row -> DynamicTest.dynamicTest(row.path() + " (exact=" + row.exact() + ")", () -> {
            PdqResult result = pdq(row.path());
            PdqHash expected = PdqHash.parse(row.pdq());
            switch (row.exact()) {
                case "yes" -> {
                    assertThat(result.hash().hex()).isEqualTo(row.pdq());
                    assertThat(result.quality()).isEqualTo(row.quality());
                }
                case "hash" -> assertThat(result.hash().hex()).isEqualTo(row.pdq());
                default -> {
                    String note = row.note();
                    if (note.contains("within distance")) {
                        int bound = Integer.parseInt(note.replaceAll(".*within distance (\\d+).*", "$1"));
                        assertThat(result.hash().distance(expected)).as(note).isLessThanOrEqualTo(bound);
                    } else {
                        assertThat(result.quality()).as(note).isGreaterThanOrEqualTo(50);
                    }
                }
            }
        }));
    }

    /** Dihedral rows follow the exactness their image has in expected-hashes.csv (decoder-dependent formats differ). */
    @TestFactory
    Stream<DynamicTest> dihedral_variants_match_the_reference_as_the_csv_requires() {
        Map<String, PdqTestVectors.Expected> exactness = PdqTestVectors.hashes().stream()
                .collect(Collectors.toMap(PdqTestVectors.Expected::path, e -> e, (a, b) -> a));
        return PdqTestVectors.dihedral().stream().map(row -> DynamicTest.dynamicTest(row.path(), () -> {
            PdqTestVectors.Expected expected = exactness.get(row.path());
            PdqResult result = pdq(row.path());
            List<String> actual = result.dihedral().stream().map(PdqHash::hex).toList();
            switch (expected.exact()) {
                case "yes" -> {
                    assertThat(actual).isEqualTo(row.variants());
                    assertThat(result.quality()).isEqualTo(row.quality());
                }
                case "hash" -> assertThat(actual).isEqualTo(row.variants());
                default -> {
                    int bound = expected.note().contains("within distance")
                            ? Integer.parseInt(expected.note().replaceAll(".*within distance (\\d+).*", "$1")) : -1;
                    if (bound < 0) {
                        assertThat(result.quality()).as(expected.note()).isGreaterThanOrEqualTo(50);
                        return;
                    }
                    for (int v = 0; v < 8; v++) {
                        assertThat(PdqHash.parse(actual.get(v)).distance(PdqHash.parse(row.variants().get(v))))
                                .as(expected.note() + " (variant " + Dihedral.values()[v].label() + ")")
                                .isLessThanOrEqualTo(bound);
                    }
                }
            }
        }));
    }

    @Test
    void embedded_icc_profile_is_ignored_as_the_reference_does() throws MediaException {
        // wee.jpg carries a non-sRGB profile; applying it moves two of its dihedral hashes by 2 bits.
        PdqResult result = pdq("misc-images/wee.jpg");
        assertThat(result.variant(Dihedral.ROTATE90).hex())
                .isEqualTo("1d43091e38bdea750e55e2d58e41f01e1daee6a184e19ea57c0701fce1fe18de");
        assertThat(result.variant(Dihedral.FLIPY).hex())
                .isEqualTo("1772154a354aa199fa998af81e50c08624f79e2730f67d0761877d9fc18bbe78");
    }
}
