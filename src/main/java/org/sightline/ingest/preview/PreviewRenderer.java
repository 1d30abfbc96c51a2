package org.sightline.ingest.preview;

import org.sightline.hashing.DecodedImage;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * Makes the derivatives the panel shows in place of the original, which is not kept:
 * <ul>
 *   <li>the <b>preview</b>: greyscale, longest side ≤ {@link PreviewSettings#previewMaxSide()}, rebuilt from a
 *       grid of about {@link PreviewSettings#blurGridSide()} cells, box-blurred, so shapes and tones remain
 *       but faces, text and detail do not; shown by default to protect moderators;</li>
 *   <li>the <b>reveal</b>: colour, un-blurred, longest side ≤ {@link PreviewSettings#revealMaxSide()}, for
 *       the deliberate (audited) reveal.</li>
 * </ul>
 * Both are JPEG. Transparent areas are shown on white. Stateless and thread-safe.
 */
public final class PreviewRenderer {
    public static final String CONTENT_TYPE = "image/jpeg";

    private final PreviewSettings settings;

    public PreviewRenderer() {
        this(PreviewSettings.defaults());
    }

    public PreviewRenderer(PreviewSettings settings) {
        this.settings = settings;
    }

    /** Both derivatives, from one shrink of the full-size image. */
    public Derivatives render(DecodedImage image) {
        return render(image, copy -> { });
    }

    /**
     * Both derivatives, handing {@code shrunk} the RGB copy they are made from (at most {@code reveal_max_side},
     * transparency on white) so that a classifier in the same decode need not read the full-size image again.
     */
    public Derivatives render(DecodedImage image, java.util.function.Consumer<BufferedImage> shrunk) {
        BufferedImage reveal = shrink(image.image(), settings.revealMaxSide());
        shrunk.accept(reveal);
        return new Derivatives(encode(blurredGrey(reveal)), encode(reveal));
    }

    /** A copy of one video frame at the reveal size, kept for a contact sheet (the decoder reuses the frame). */
    public BufferedImage shrinkFrame(BufferedImage frame) {
        return shrink(frame, settings.revealMaxSide());
    }

    /** Both derivatives of a frame already shrunk by {@link #shrinkFrame}. */
    public Derivatives renderShrunk(BufferedImage shrunk) {
        return new Derivatives(encode(blurredGrey(shrunk)), encode(shrunk));
    }

    public Derivative preview(DecodedImage image) {
        int side = Math.max(settings.previewMaxSide(), settings.blurGridSide());
        return encode(blurredGrey(shrink(image.image(), side)));
    }

    public Derivative reveal(DecodedImage image) {
        return encode(shrink(image.image(), settings.revealMaxSide()));
    }

    /** Target size fitting {@code maxSide}, never larger than the source. */
    static int[] fit(int width, int height, int maxSide) {
        if (width <= maxSide && height <= maxSide) return new int[]{width, height};
        double scale = maxSide / (double) Math.max(width, height);
        return new int[]{Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /**
     * An RGB copy fitting {@code maxSide}, halving with bilinear filtering until the last step: each halving
     * averages 2×2 pixels, so the result is close to an area average without its cost (Java2D's native loops).
     */
    static BufferedImage shrink(BufferedImage source, int maxSide) {
        int[] target = fit(source.getWidth(), source.getHeight(), maxSide);
        BufferedImage current = source;
        boolean first = true;
        int k = Math.min(source.getWidth() / target[0], source.getHeight() / target[1]);
        if (k >= 3) {
            // large photos: one pass averaging k×k blocks straight from the samples replaces several halvings
            // (for k = 2 Java2D's single halving is as fast)
            BufferedImage reduced = boxReduce(source, k);
            if (reduced != null) {
                current = reduced;
                first = false;
            }
        }
        int w = current.getWidth();
        int h = current.getHeight();
        if (w == target[0] && h == target[1] && !first) return current;
        do {
            int nw = w / 2 >= target[0] ? w / 2 : target[0];
            int nh = h / 2 >= target[1] ? h / 2 : target[1];
            if (!first && nw == w && nh == h) break;
            BufferedImage next = new BufferedImage(Math.max(1, nw), Math.max(1, nh), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = next.createGraphics();
            try {
                if (first) {
                    // the only step that sees the source: put transparency on white
                    g.setColor(Color.WHITE);
                    g.fillRect(0, 0, next.getWidth(), next.getHeight());
                }
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(current, 0, 0, next.getWidth(), next.getHeight(), null);
            } finally {
                g.dispose();
            }
            current = next;
            w = next.getWidth();
            h = next.getHeight();
            first = false;
        } while (w != target[0] || h != target[1]);
        return current;
    }

    /**
     * Averages {@code k}×{@code k} blocks of an opaque 8-bit RGB or grey image (the layouts the decoder gives for
     * JPEG and most PNGs) into an RGB image of {@code width/k}×{@code height/k}; the last partial block of a row
     * or column is dropped. Grey samples are taken as they are, as browsers show them. Null for other layouts.
     */
    static BufferedImage boxReduce(BufferedImage source, int k) {
        ColorModel cm = source.getColorModel();
        WritableRaster raster = source.getRaster();
        if (cm.hasAlpha() || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return null;
        }
        int ow = source.getWidth() / k;
        int oh = source.getHeight() / k;
        int[] out = new int[ow * oh];
        int[] r = new int[ow];
        int[] g = new int[ow];
        int[] b = new int[ow];
        int area = k * k;
        if (cm instanceof ComponentColorModel && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && raster.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
                && (cm.getNumComponents() == 3 && cm.getColorSpace().isCS_sRGB()
                || cm.getNumComponents() == 1 && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY)) {
            byte[] d = db.getData();
            int ps = sm.getPixelStride();
            int ss = sm.getScanlineStride();
            int[] offsets = sm.getBandOffsets();
            int grey = cm.getNumComponents() == 1 ? 1 : 0;
            int offR = db.getOffset() + offsets[0];
            int offG = db.getOffset() + offsets[grey == 1 ? 0 : 1];
            int offB = db.getOffset() + offsets[grey == 1 ? 0 : 2];
            for (int oy = 0; oy < oh; oy++) {
                java.util.Arrays.fill(r, 0);
                java.util.Arrays.fill(g, 0);
                java.util.Arrays.fill(b, 0);
                for (int y = oy * k; y < oy * k + k; y++) {
                    int p = y * ss;
                    for (int ox = 0; ox < ow; ox++) {
                        int sr = 0, sg = 0, sb = 0;
                        for (int j = 0; j < k; j++, p += ps) {
                            sr += d[p + offR] & 0xFF;
                            sg += d[p + offG] & 0xFF;
                            sb += d[p + offB] & 0xFF;
                        }
                        r[ox] += sr;
                        g[ox] += sg;
                        b[ox] += sb;
                    }
                }
                pack(out, oy * ow, r, g, b, area);
            }
        } else if (cm instanceof DirectColorModel dcm && dcm.getNumComponents() == 3 && dcm.getColorSpace().isCS_sRGB()
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && raster.getDataBuffer() instanceof DataBufferInt db && db.getNumBanks() == 1) {
            int[] d = db.getData();
            int ss = sm.getScanlineStride();
            int[] masks = sm.getBitMasks();
            int[] shifts = sm.getBitOffsets();
            for (int oy = 0; oy < oh; oy++) {
                java.util.Arrays.fill(r, 0);
                java.util.Arrays.fill(g, 0);
                java.util.Arrays.fill(b, 0);
                for (int y = oy * k; y < oy * k + k; y++) {
                    int p = db.getOffset() + y * ss;
                    for (int ox = 0; ox < ow; ox++) {
                        for (int j = 0; j < k; j++, p++) {
                            int v = d[p];
                            r[ox] += (v & masks[0]) >>> shifts[0];
                            g[ox] += (v & masks[1]) >>> shifts[1];
                            b[ox] += (v & masks[2]) >>> shifts[2];
                        }
                    }
                }
                pack(out, oy * ow, r, g, b, area);
            }
        } else {
            return null;
        }
        BufferedImage reduced = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        System.arraycopy(out, 0, ((DataBufferInt) reduced.getRaster().getDataBuffer()).getData(), 0, out.length);
        return reduced;
    }

    private static void pack(int[] out, int at, int[] r, int[] g, int[] b, int area) {
        int half = area / 2;
        for (int x = 0; x < r.length; x++) {
            out[at + x] = ((r[x] + half) / area) << 16 | ((g[x] + half) / area) << 8 | ((b[x] + half) / area);
        }
    }

    /** The preview: luma of {@code rgb} on a coarse grid, blurred, scaled to the preview size, smoothed. */
    BufferedImage blurredGrey(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] pixels = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();

        int[] grid = fit(w, h, settings.blurGridSide());
        int gw = grid[0];
        int gh = grid[1];
        float[] cells = new float[gw * gh];
        int[] counts = new int[gw * gh];
        for (int y = 0; y < h; y++) {
            int row = (int) ((long) y * gh / h) * gw;
            for (int x = 0; x < w; x++) {
                int p = pixels[y * w + x];
                int cell = row + (int) ((long) x * gw / w);
                cells[cell] += 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
                counts[cell]++;
            }
        }
        for (int i = 0; i < cells.length; i++) cells[i] /= Math.max(1, counts[i]);
        for (int pass = 0; pass < settings.blurPasses(); pass++) boxBlur(cells, gw, gh, 1);

        int[] out = fit(w, h, settings.previewMaxSide());
        int pw = out[0];
        int ph = out[1];
        float[] preview = new float[pw * ph];
        for (int y = 0; y < ph; y++) {
            float gy = clamp((y + 0.5f) * gh / ph - 0.5f, 0, gh - 1);
            int y0 = (int) gy;
            int y1 = Math.min(gh - 1, y0 + 1);
            float fy = gy - y0;
            for (int x = 0; x < pw; x++) {
                float gx = clamp((x + 0.5f) * gw / pw - 0.5f, 0, gw - 1);
                int x0 = (int) gx;
                int x1 = Math.min(gw - 1, x0 + 1);
                float fx = gx - x0;
                float top = cells[y0 * gw + x0] * (1 - fx) + cells[y0 * gw + x1] * fx;
                float bottom = cells[y1 * gw + x0] * (1 - fx) + cells[y1 * gw + x1] * fx;
                preview[y * pw + x] = top * (1 - fy) + bottom * fy;
            }
        }
        // bilinear leaves creases at the cell centres: smooth them over about one cell
        int radius = Math.max(1, Math.round(Math.max(pw / (float) gw, ph / (float) gh) / 2));
        boxBlur(preview, pw, ph, radius);
        boxBlur(preview, pw, ph, radius);

        BufferedImage grey = new BufferedImage(pw, ph, BufferedImage.TYPE_BYTE_GRAY);
        byte[] bytes = ((DataBufferByte) grey.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Math.min(255, Math.max(0, Math.round(preview[i])));
        }
        return grey;
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** One separable box blur of radius {@code r} in place, edges clamped. */
    static void boxBlur(float[] data, int w, int h, int r) {
        float[] line = new float[Math.max(w, h)];
        float norm = 1f / (2 * r + 1);
        for (int y = 0; y < h; y++) {
            int base = y * w;
            System.arraycopy(data, base, line, 0, w);
            float sum = 0;
            for (int k = -r; k <= r; k++) sum += line[Math.min(w - 1, Math.max(0, k))];
            for (int x = 0; x < w; x++) {
                data[base + x] = sum * norm;
                sum += line[Math.min(w - 1, x + r + 1)] - line[Math.max(0, x - r)];
            }
        }
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) line[y] = data[y * w + x];
            float sum = 0;
            for (int k = -r; k <= r; k++) sum += line[Math.min(h - 1, Math.max(0, k))];
            for (int y = 0; y < h; y++) {
                data[y * w + x] = sum * norm;
                sum += line[Math.min(h - 1, y + r + 1)] - line[Math.max(0, y - r)];
            }
        }
    }

    private Derivative encode(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) throw new IllegalStateException("no JPEG writer available");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(settings.jpegQuality());
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a derivative", e);
        } finally {
            writer.dispose();
        }
        return new Derivative(out.toByteArray(), CONTENT_TYPE, image.getWidth(), image.getHeight());
    }
}
