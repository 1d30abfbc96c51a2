package org.sightline.hashing;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming blur must give the same bits as the straightforward two-buffer reference, at every size. */
class StreamingPdqTest {
    private final PdqHasher streaming = new PdqHasher();
    private final ReferencePdq reference = new ReferencePdq();

    @Test
    void streaming_hash_equals_reference_on_random_images_of_many_shapes() {
        SplittableRandom random = new SplittableRandom(42);
        int[][] shapes = {{5, 5}, {5, 300}, {300, 5}, {63, 64}, {64, 63}, {127, 129}, {128, 128}, {129, 257},
                {255, 256}, {1000, 7}, {7, 1000}, {333, 517}, {1004, 1600}};
        for (int[] shape : shapes) {
            for (int trial = 0; trial < 3; trial++) {
                int rows = shape[0], cols = shape[1];
                float[] luma = new float[rows * cols];
                // smooth gradients plus noise, so the hash is not dominated by noise alone
                double fx = random.nextDouble(0.001, 0.05), fy = random.nextDouble(0.001, 0.05);
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < cols; x++) {
                        int v = (int) (127 + 100 * Math.sin(x * fx + y * fy) + random.nextInt(-25, 26));
                        luma[y * cols + x] = LumaReader.luma(v, v, v);
                    }
                }
                PdqResult expected = reference.hashLuma(luma, rows, cols);
                PdqResult actual = streaming.hashLuma(luma, rows, cols);
                assertThat(actual).as(rows + "x" + cols).isEqualTo(expected);
            }
        }
    }

    @Test
    void images_with_a_side_under_five_pixels_hash_to_zero_with_quality_zero() {
        PdqResult result = streaming.hashLuma(new float[4 * 100], 4, 100);
        assertThat(result.hash().hex()).isEqualTo("0".repeat(64));
        assertThat(result.quality()).isZero();
    }
}
