package org.sightline.hashing;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Reads PDQ luma ({@code 0.299f*R + 0.587f*G + 0.114f*B}, left to right in float) one row at a time
 * straight from the raster's samples. Never uses {@code getRGB}: its colour-space conversion changes
 * greyscale images. Alpha is ignored; palettes are looked up; 16-bit samples are reduced to 8 bits.
 * One reader serves one image on one thread.
 */
final class LumaReader {
    private static final float R = 0.299f;
    private static final float G = 0.587f;
    private static final float B = 0.114f;
    // R*v, G*v, B*v and their grey sum for every 8-bit v: the same float products and sum order as computing
    // them per pixel (so the same bits), without three int-to-float conversions and multiplications a pixel
    private static final float[] RED = new float[256];
    private static final float[] GREEN = new float[256];
    private static final float[] BLUE = new float[256];
    private static final float[] GREY = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            RED[v] = R * v;
            GREEN[v] = G * v;
            BLUE[v] = B * v;
            GREY[v] = R * v + G * v + B * v;
        }
    }

    private final Raster raster;
    private final int width;
    private final Layout layout;
    // byte-interleaved layout
    private byte[] bytes;
    private int pixelStride;
    private int scanlineStride;
    private int offR;
    private int offG;
    private int offB;
    private int grey;
    // int-packed layout
    private int[] ints;
    private int[] masks;
    private int[] shifts;
    // palette and generic layouts
    private float[] paletteLuma;
    private int[] samples = new int[0];
    private int colourBands;
    private int shiftTo8;

    private enum Layout { BYTE_INTERLEAVED, INT_PACKED, PALETTE, GENERIC }

    LumaReader(BufferedImage image) {
        this.raster = image.getRaster();
        this.width = image.getWidth();
        ColorModel cm = image.getColorModel();
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (cm instanceof IndexColorModel icm) {
            layout = Layout.PALETTE;
            paletteLuma = new float[icm.getMapSize()];
            for (int i = 0; i < paletteLuma.length; i++) {
                paletteLuma[i] = luma(icm.getRed(i), icm.getGreen(i), icm.getBlue(i));
            }
        } else if (sm instanceof PixelInterleavedSampleModel pism && db instanceof DataBufferByte dbb
                && db.getNumBanks() == 1 && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            layout = Layout.BYTE_INTERLEAVED;
            bytes = dbb.getData();
            pixelStride = pism.getPixelStride();
            scanlineStride = pism.getScanlineStride();
            int[] offsets = pism.getBandOffsets();
            colourBands = cm.getNumColorComponents();
            offR = offsets[0];
            offG = colourBands >= 3 ? offsets[1] : offsets[0];
            offB = colourBands >= 3 ? offsets[2] : offsets[0];
            grey = colourBands < 3 ? 1 : 0;
            offR += dbb.getOffset();
            offG += dbb.getOffset();
            offB += dbb.getOffset();
        } else if (sm instanceof SinglePixelPackedSampleModel sppsm && db instanceof DataBufferInt dbi
                && cm.getNumColorComponents() == 3 && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            layout = Layout.INT_PACKED;
            ints = dbi.getData();
            scanlineStride = sppsm.getScanlineStride();
            masks = sppsm.getBitMasks();
            shifts = sppsm.getBitOffsets();
            offR = dbi.getOffset();
        } else {
            layout = Layout.GENERIC;
            colourBands = Math.min(3, cm.getNumColorComponents());
            int bits = sm.getSampleSize(0);
            shiftTo8 = Math.max(0, bits - 8);
        }
    }

    static float luma(int r, int g, int b) {
        return R * r + G * g + B * b;
    }

    /** Writes the luma of row {@code y} into {@code out[0..width-1]}. */
    void readRow(int y, float[] out) {
        switch (layout) {
            case BYTE_INTERLEAVED -> readBytes(y, out);
            case INT_PACKED -> readInts(y, out);
            case PALETTE -> readPalette(y, out);
            default -> readGeneric(y, out);
        }
    }

    private void readBytes(int y, float[] out) {
        byte[] d = bytes;
        int base = y * scanlineStride;
        int ps = pixelStride;
        if (grey == 1) {
            int p = base + offR;
            for (int x = 0; x < width; x++, p += ps) out[x] = GREY[d[p] & 0xFF];
        } else {
            int pr = base + offR;
            int pg = base + offG;
            int pb = base + offB;
            for (int x = 0; x < width; x++, pr += ps, pg += ps, pb += ps) {
                out[x] = RED[d[pr] & 0xFF] + GREEN[d[pg] & 0xFF] + BLUE[d[pb] & 0xFF];
            }
        }
    }

    private void readInts(int y, float[] out) {
        int[] d = ints;
        int p = offR + y * scanlineStride;
        int mr = masks[0], mg = masks[1], mb = masks[2];
        int sr = shifts[0], sg = shifts[1], sb = shifts[2];
        for (int x = 0; x < width; x++, p++) {
            int v = d[p];
            out[x] = R * ((v & mr) >>> sr) + G * ((v & mg) >>> sg) + B * ((v & mb) >>> sb);
        }
    }

    private void readPalette(int y, float[] out) {
        int[] s = rowSamples(y, 0);
        for (int x = 0; x < width; x++) {
            int i = s[x];
            out[x] = i < paletteLuma.length ? paletteLuma[i] : 0f;
        }
    }

    private void readGeneric(int y, float[] out) {
        int bands = raster.getNumBands();
        if (samples.length < width * bands) samples = new int[width * bands];
        int[] s = raster.getPixels(0, y, width, 1, samples);
        int sh = shiftTo8;
        for (int x = 0, p = 0; x < width; x++, p += bands) {
            if (colourBands >= 3) {
                out[x] = R * (s[p] >>> sh) + G * (s[p + 1] >>> sh) + B * (s[p + 2] >>> sh);
            } else {
                int v = s[p] >>> sh;
                out[x] = R * v + G * v + B * v;
            }
        }
    }

    private int[] rowSamples(int y, int band) {
        if (samples.length < width) samples = new int[width];
        return raster.getSamples(0, y, width, 1, band, samples);
    }
}
