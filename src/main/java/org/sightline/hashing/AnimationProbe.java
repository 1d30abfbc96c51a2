package org.sightline.hashing;

/**
 * Reads just enough of a GIF, PNG or WebP to count its frames, without decoding pixels: the frame count cap is applied
 * before FFmpeg sees the file, and a still GIF or PNG stays on the image path.
 */
final class AnimationProbe {
    private AnimationProbe() {
    }

    /**
     * The number of image descriptors in the GIF, counting at most {@code limit} (stopping early keeps this cheap);
     * a damaged file counts what it has up to the damage.
     */
    static int gifImages(byte[] b, int limit) {
        if (b.length < 13) return 0;
        int pos = 13;
        int flags = b[10] & 0xFF;
        if ((flags & 0x80) != 0) pos += 3 * (1 << ((flags & 0x07) + 1));
        int images = 0;
        while (pos < b.length && images < limit) {
            int marker = b[pos] & 0xFF;
            if (marker == 0x3B) break; // trailer
            if (marker == 0x21) { // extension: label, then sub-blocks
                pos = skipSubBlocks(b, pos + 2);
            } else if (marker == 0x2C) { // image descriptor
                if (pos + 10 > b.length) break;
                int local = b[pos + 9] & 0xFF;
                pos += 10;
                if ((local & 0x80) != 0) pos += 3 * (1 << ((local & 0x07) + 1));
                pos = skipSubBlocks(b, pos + 1); // LZW minimum code size, then the data
                images++;
            } else {
                break;
            }
            if (pos < 0) break;
        }
        return images;
    }

    private static int skipSubBlocks(byte[] b, int pos) {
        while (pos < b.length) {
            int size = b[pos] & 0xFF;
            pos += 1 + size;
            if (size == 0) return pos;
        }
        return -1;
    }

    /** True when the PNG has an animation control chunk (acTL) before its first image data: an APNG. */
    static boolean pngAnimated(byte[] b) {
        int pos = 8;
        while (pos + 8 <= b.length) {
            long length = ((b[pos] & 0xFFL) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8)
                    | (b[pos + 3] & 0xFF);
            String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (type.equals("acTL")) return true;
            if (type.equals("IDAT") || type.equals("IEND")) return false;
            pos += 12 + length;
            if (length > Integer.MAX_VALUE) return false;
        }
        return false;
    }

    /** True when the WebP's extended header (VP8X) has the animation flag: an animated WebP. */
    static boolean webpAnimated(byte[] b) {
        return b.length >= 30 && fourCc(b, 0).equals("RIFF") && fourCc(b, 8).equals("WEBP")
                && fourCc(b, 12).equals("VP8X") && (b[20] & 0x02) != 0;
    }

    /** An animated WebP's canvas, frame count and total duration, from its RIFF chunks. */
    record WebpAnimation(int width, int height, int frames, long durationMs) {
    }

    /**
     * Walks the chunks of an animated WebP (the ANMF frame chunks carry each frame's duration); null when it is not
     * one or a chunk runs past the end of the file.
     */
    static WebpAnimation webpAnimation(byte[] b) {
        if (!webpAnimated(b)) return null;
        int width = 1 + u24(b, 24);
        int height = 1 + u24(b, 27);
        int frames = 0;
        long durationMs = 0;
        long pos = 12;
        while (pos + 8 <= b.length) {
            String type = fourCc(b, (int) pos);
            long size = u32(b, (int) pos + 4);
            long payload = pos + 8;
            if (payload + size > b.length) return null;
            if (type.equals("ANMF")) {
                if (size < 16) return null;
                frames++;
                durationMs += u24(b, (int) payload + 12);
            }
            pos = payload + size + (size & 1);
        }
        return new WebpAnimation(width, height, frames, durationMs);
    }

    private static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
}
