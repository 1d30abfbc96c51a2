package org.sightline.hashing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every reference vector on both decoder paths: the native libraries (when installed) and ImageIO. */
class PdqHasherTest {
    private final ImageDecoder nativeDecoder = new ImageDecoder(50_000_000L, 2, 100_000_000L, NativeCodecs.detect());
    private final ImageDecoder imageIo = new ImageDecoder(50_000_000L, 2, 100_000_000L, NativeCodecs.none());
    private final PdqHasher hasher = new PdqHasher();

    private PdqResult pdq(ImageDecoder decoder, String path) throws MediaException {
        return decoder.decode(PdqTestVectors.image(path), image -> hasher.hash(image.image()));
    }

    /**
     * The native path is tested where libjpeg-turbo and libwebp are installed; in CI ({@code .ci/run} installs
     * them) their absence fails the test instead of skipping it.
     */
    static void requireNativeLibraries(NativeCodecs codecs) {
        if (codecs.jpeg() && codecs.webp()) return;
        String why = "libturbojpeg0 and libwebp7 are needed for the native decoder tests (" + codecs.describe() + ")";
        if (System.getenv("CI") != null) Assertions.fail(why);
        Assumptions.abort(why);
    }

    /** Both paths, each a container of the same tests. */
    private Stream<DynamicNode> onBothPaths(java.util.function.BiFunction<ImageDecoder, Boolean, Stream<DynamicTest>> tests) {
        return Stream.of(
                DynamicContainer.dynamicContainer("native (" + nativeDecoder.codecs().describe() + ")",
                        Stream.concat(Stream.of(DynamicTest.dynamicTest("native libraries present",
                                () -> requireNativeLibraries(nativeDecoder.codecs()))), tests.apply(nativeDecoder, true))),
                DynamicContainer.dynamicContainer("imageio", tests.apply(imageIo, false)));
    }

    /** WebP decoded by libwebp (as HMA's Pillow does) must match HMA's hash to the bit. */
    private static String exactness(PdqTestVectors.Expected row, ImageDecoder decoder) {
        boolean webp = row.path().endsWith(".webp") && row.note().contains("decoders differ");
        return webp && decoder.codecs().webp() ? "yes" : row.exact();
    }

    @TestFactory
    Stream<DynamicNode> reference_vectors_match_as_the_csv_requires() {
        return onBothPaths((decoder, isNative) -> PdqTestVectors.hashes().stream().map(row -> DynamicTest.dynamicTest(
                row.path() + " (exact=" + exactness(row, decoder) + ")", () -> {
            PdqResult result = pdq(decoder, row.path());
            PdqHash expected = PdqHash.parse(row.pdq());
            switch (exactness(row, decoder)) {
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
        })));
    }

    /** Dihedral rows follow the exactness their image has in expected-hashes.csv (decoder-dependent formats differ). */
    @TestFactory
    Stream<DynamicNode> dihedral_variants_match_the_reference_as_the_csv_requires() {
        Map<String, PdqTestVectors.Expected> exactness = PdqTestVectors.hashes().stream()
                .collect(Collectors.toMap(PdqTestVectors.Expected::path, e -> e, (a, b) -> a));
        return onBothPaths((decoder, isNative) -> PdqTestVectors.dihedral().stream().map(row -> DynamicTest.dynamicTest(row.path(), () -> {
            PdqTestVectors.Expected expected = exactness.get(row.path());
            PdqResult result = pdq(decoder, row.path());
            List<String> actual = result.dihedral().stream().map(PdqHash::hex).toList();
            switch (exactness(expected, decoder)) {
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
        })));
    }

    @TestFactory
    Stream<DynamicNode> embedded_icc_profile_is_ignored_as_the_reference_does() {
        // wee.jpg carries a non-sRGB profile; applying it moves two of its dihedral hashes by 2 bits.
        return onBothPaths((decoder, isNative) -> Stream.of(DynamicTest.dynamicTest("wee.jpg", () -> {
            PdqResult result = pdq(decoder, "misc-images/wee.jpg");
            assertThat(result.variant(Dihedral.ROTATE90).hex())
                    .isEqualTo("1d43091e38bdea750e55e2d58e41f01e1daee6a184e19ea57c0701fce1fe18de");
            assertThat(result.variant(Dihedral.FLIPY).hex())
                    .isEqualTo("1772154a354aa199fa998af81e50c08624f79e2730f67d0761877d9fc18bbe78");
        })));
    }
}
