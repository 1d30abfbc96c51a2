package org.sightline.hashing;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding is budgeted by pixels in flight, not only by image count. */
class DecodeBudgetTest {

    static byte[] png(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void concurrent_large_images_never_hold_more_pixels_than_the_budget() throws Exception {
        byte[] large = png(1000, 800);  // 0.8 MP
        byte[] small = png(100, 100);
        // eight images decoded at once by count, but only 1.5 MP of pixels at once
        ImageDecoder decoder = new ImageDecoder(1_000_000, 8, 1_500_000, NativeCodecs.detect());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] bytes = i % 4 == 3 ? small : large;
                all.add(pool.submit(() -> decoder.decode(bytes, image -> {
                    assertThat(decoder.pixelsInFlight()).isLessThanOrEqualTo(1_500_000);
                    try {
                        Thread.sleep(30);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return 1;
                })));
            }
            for (Future<Integer> f : all) assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        System.out.println("peak pixels in flight " + decoder.peakPixelsInFlight());
        assertThat(decoder.peakPixelsInFlight()).isGreaterThan(0).isLessThanOrEqualTo(1_500_000);
        assertThat(decoder.pixelsInFlight()).isZero();
    }

    @Test
    void an_image_at_the_pixel_cap_is_decoded_even_when_the_budget_is_set_lower() throws Exception {
        ImageDecoder decoder = new ImageDecoder(1_000_000, 2, 10, NativeCodecs.detect());
        int width = decoder.decode(png(1000, 1000), image -> image.image().getWidth());
        assertThat(width).isEqualTo(1000);
    }
}
