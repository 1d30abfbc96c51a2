package org.sightline.hashing;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

import static org.assertj.core.api.Assertions.assertThat;

/** The luma of every 8-bit colour, read from the raster, is bit for bit PDQ's per-pixel formula. */
class LumaReaderTest {
    @Test
    void every_rgb_colour_and_every_grey_gives_the_formulas_exact_float() {
        // 16.7 M pixels: one row per (red, green) pair, the 256 blues across it
        BufferedImage image = new BufferedImage(256, 65536, BufferedImage.TYPE_3BYTE_BGR);
        byte[] d = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int r = 0, p = 0; r < 256; r++) {
            for (int g = 0; g < 256; g++) {
                for (int b = 0; b < 256; b++, p += 3) {
                    d[p] = (byte) b;
                    d[p + 1] = (byte) g;
                    d[p + 2] = (byte) r;
                }
            }
        }
        LumaReader reader = new LumaReader(image);
        float[] row = new float[256];
        int mismatches = 0;
        for (int y = 0; y < 65536; y++) {
            reader.readRow(y, row);
            int r = y >> 8, g = y & 0xFF;
            for (int b = 0; b < 256; b++) {
                if (Float.floatToRawIntBits(row[b]) != Float.floatToRawIntBits(0.299f * r + 0.587f * g + 0.114f * b)) {
                    mismatches++;
                }
            }
        }
        assertThat(mismatches).isZero();

        BufferedImage grey = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        byte[] gd = ((DataBufferByte) grey.getRaster().getDataBuffer()).getData();
        for (int v = 0; v < 256; v++) gd[v] = (byte) v;
        new LumaReader(grey).readRow(0, row);
        for (int v = 0; v < 256; v++) {
            assertThat(Float.floatToRawIntBits(row[v])).as("grey %d", v)
                    .isEqualTo(Float.floatToRawIntBits(0.299f * v + 0.587f * v + 0.114f * v));
        }
    }
}
