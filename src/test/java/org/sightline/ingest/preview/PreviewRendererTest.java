package org.sightline.ingest.preview;

import org.junit.jupiter.api.Test;
import org.sightline.hashing.DecodedImage;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.ImageFormat;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PreviewRendererTest {
    private final PreviewRenderer renderer = new PreviewRenderer();

    /** A picture full of detail: a fine checkerboard, text, and a dark left half against a light right half. */
    private static DecodedImage detailed(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, width / 2, height);
        for (int y = 0; y < height; y += 8) {
            for (int x = (y / 8 % 2) * 8; x < width; x += 16) {
                g.setColor(x < width / 2 ? Color.BLACK : new Color(200, 30, 30));
                g.fillRect(x, y, 8, 8);
            }
        }
        g.setColor(Color.BLUE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(8, height / 10)));
        g.drawString("READ ME IF YOU CAN", width / 10, height / 2);
        g.dispose();
        return new DecodedImage(ImageFormat.PNG, image);
    }

    private static BufferedImage read(Derivative derivative) throws IOException {
        assertThat(derivative.contentType()).isEqualTo("image/jpeg");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(derivative.bytes()));
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(derivative.width());
        assertThat(image.getHeight()).isEqualTo(derivative.height());
        return image;
    }

    private static int grey(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }

    @Test
    void makes_a_greyscale_preview_of_at_most_320_pixels() throws IOException {
        BufferedImage preview = read(renderer.preview(detailed(1600, 1200, BufferedImage.TYPE_3BYTE_BGR)));
        assertThat(preview.getWidth()).isEqualTo(320);
        assertThat(preview.getHeight()).isEqualTo(240);
        assertThat(preview.getRaster().getNumBands()).isEqualTo(1);
        for (int y = 0; y < preview.getHeight(); y += 7) {
            for (int x = 0; x < preview.getWidth(); x += 7) {
                int rgb = preview.getRGB(x, y);
                assertThat((rgb >> 16) & 0xFF).isEqualTo((rgb >> 8) & 0xFF).isEqualTo(rgb & 0xFF);
            }
        }
    }

    @Test
    void blurs_the_preview_until_no_detail_is_left_but_the_layout_is() throws IOException {
        BufferedImage preview = read(renderer.preview(detailed(1024, 768, BufferedImage.TYPE_INT_RGB)));
        int maxStep = 0;
        for (int y = 0; y < preview.getHeight(); y++) {
            for (int x = 1; x < preview.getWidth(); x++) {
                maxStep = Math.max(maxStep, Math.abs(grey(preview, x, y) - grey(preview, x - 1, y)));
            }
        }
        for (int x = 0; x < preview.getWidth(); x++) {
            for (int y = 1; y < preview.getHeight(); y++) {
                maxStep = Math.max(maxStep, Math.abs(grey(preview, x, y) - grey(preview, x, y - 1)));
            }
        }
        // the source jumps by ~200 levels every 8 pixels; the preview changes by a few levels per pixel at most
        assertThat(maxStep).isLessThanOrEqualTo(12);
        // ... yet the dark half is still darker than the light half
        int h = preview.getHeight() / 2;
        assertThat(grey(preview, 10, h)).isLessThan(grey(preview, preview.getWidth() - 10, h) - 40);
    }

    @Test
    void makes_a_colour_reveal_of_at_most_640_pixels() throws IOException {
        BufferedImage reveal = read(renderer.reveal(detailed(1600, 1200, BufferedImage.TYPE_3BYTE_BGR)));
        assertThat(reveal.getWidth()).isEqualTo(640);
        assertThat(reveal.getHeight()).isEqualTo(480);
        assertThat(reveal.getRaster().getNumBands()).isEqualTo(3);
        // a red checker square on the right half keeps its colour
        int rgb = reveal.getRGB(reveal.getWidth() * 3 / 4 + 1, 1);
        int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        assertThat(r).isGreaterThan(g + 40).isGreaterThan(b + 40);
    }

    @Test
    void keeps_the_aspect_ratio_of_wide_and_tall_images() {
        Derivatives wide = renderer.render(detailed(4000, 1000, BufferedImage.TYPE_INT_ARGB));
        assertThat(wide.preview().width()).isEqualTo(320);
        assertThat(wide.preview().height()).isEqualTo(80);
        assertThat(wide.reveal().width()).isEqualTo(640);
        assertThat(wide.reveal().height()).isEqualTo(160);

        Derivatives tall = renderer.render(detailed(300, 3000, BufferedImage.TYPE_BYTE_GRAY));
        assertThat(tall.preview().width()).isEqualTo(32);
        assertThat(tall.preview().height()).isEqualTo(320);
        assertThat(tall.reveal().width()).isEqualTo(64);
        assertThat(tall.reveal().height()).isEqualTo(640);
    }

    @Test
    void does_not_enlarge_small_images() throws IOException {
        Derivatives small = renderer.render(detailed(100, 50, BufferedImage.TYPE_INT_RGB));
        assertThat(small.preview().width()).isEqualTo(100);
        assertThat(small.preview().height()).isEqualTo(50);
        assertThat(small.reveal().width()).isEqualTo(100);
        assertThat(read(small.reveal()).getHeight()).isEqualTo(50);

        Derivatives dot = renderer.render(new DecodedImage(ImageFormat.PNG,
                new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)));
        assertThat(dot.preview().width()).isEqualTo(1);
        assertThat(dot.reveal().height()).isEqualTo(1);
    }

    @Test
    void puts_transparent_areas_on_white() throws IOException {
        BufferedImage clear = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB); // all transparent
        BufferedImage preview = read(renderer.preview(new DecodedImage(ImageFormat.PNG, clear)));
        assertThat(grey(preview, 100, 100)).isGreaterThan(245);
    }

    @Test
    void renders_a_decoded_jpeg_photo_within_the_size_limits() throws IOException {
        BufferedImage photo = new BufferedImage(1920, 1080, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                photo.setRGB(x, y, (x * 255 / 1920) << 16 | (y * 255 / 1080) << 8 | random.nextInt(256));
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(photo, "jpeg", jpeg);
        DecodedImage decoded;
        try {
            decoded = new ImageDecoder(50_000_000L, 1).decode(jpeg.toByteArray());
        } catch (org.sightline.hashing.MediaException e) {
            throw new AssertionError(e.getMessage());
        }
        Derivatives both = renderer.render(decoded);
        assertThat(both.preview().width()).isLessThanOrEqualTo(320);
        assertThat(both.reveal().width()).isLessThanOrEqualTo(640);
        assertThat(read(both.preview()).getRaster().getNumBands()).isEqualTo(1);
        assertThat(both.preview().bytes().length).isLessThan(30_000);
        assertThat(both.toString()).doesNotContain("[B@");
    }

    @Test
    void averages_blocks_of_rgb_and_grey_rasters_exactly() {
        for (int type : new int[]{BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY}) {
            BufferedImage image = new BufferedImage(7, 4, type); // the seventh column is a partial block: dropped
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 7; x++) {
                    int v = (x + 7 * y) * 9;
                    image.getRaster().setPixel(x, y, type == BufferedImage.TYPE_BYTE_GRAY
                            ? new int[]{v} : new int[]{v, 255 - v, (x % 2) * 200});
                }
            }
            BufferedImage reduced = PreviewRenderer.boxReduce(image, 2);
            assertThat(reduced.getWidth()).isEqualTo(3);
            assertThat(reduced.getHeight()).isEqualTo(2);
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 3; ox++) {
                    int mean = ((2 * ox + 14 * oy) * 9 + (2 * ox + 1 + 14 * oy) * 9
                            + (2 * ox + 7 + 14 * oy) * 9 + (2 * ox + 8 + 14 * oy) * 9 + 2) / 4;
                    int rgb = reduced.getRGB(ox, oy);
                    assertThat((rgb >> 16) & 0xFF).as("type %d red", type).isEqualTo(mean);
                    if (type != BufferedImage.TYPE_BYTE_GRAY) {
                        assertThat((rgb >> 8) & 0xFF).isEqualTo(255 - mean);
                        assertThat(rgb & 0xFF).isEqualTo(100);
                    }
                }
            }
        }
        assertThat(PreviewRenderer.boxReduce(new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB), 2)).isNull();
    }
}
