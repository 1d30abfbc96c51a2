package org.sightline.hashing;

import java.util.Locale;
import java.util.Optional;

/**
 * The containers that go through the video frame path, recognised by their magic bytes: MP4/MOV (ISO base media,
 * as Mastodon, Misskey and Pleroma serve video and gifv), Matroska/WebM, an animated GIF (more than one image),
 * APNG and animated WebP. Only these demuxers are ever enabled in FFmpeg, so a hostile file cannot reach any other.
 */
public enum VideoFormat {
    MP4("video/mp4", "mov,mp4,m4a,3gp,3g2,mj2"),
    MATROSKA("video/webm", "matroska,webm"),
    GIF("image/gif", "gif"),
    APNG("image/apng", "apng"),
    /** Decoded by libwebp's animation decoder ({@link AnimatedWebp}), not by FFmpeg. */
    WEBP("image/webp", null);

    private final String mediaType;
    private final String demuxers;

    VideoFormat(String mediaType, String demuxers) {
        this.mediaType = mediaType;
        this.demuxers = demuxers;
    }

    public String mediaType() {
        return mediaType;
    }

    /** FFmpeg's format_whitelist for this container. */
    String demuxers() {
        return demuxers;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the containers that are always video (not a still image that may be animated). */
    public boolean alwaysVideo() {
        return this == MP4 || this == MATROSKA;
    }

    /** The video container these bytes are, or empty for a still image (or anything else). */
    public static Optional<VideoFormat> sniff(byte[] b) {
        if (b == null || b.length < 12) return Optional.empty();
        if (isoBaseMedia(b)) return Optional.of(MP4);
        if ((b[0] & 0xFF) == 0x1A && (b[1] & 0xFF) == 0x45 && (b[2] & 0xFF) == 0xDF && (b[3] & 0xFF) == 0xA3) {
            return Optional.of(MATROSKA);
        }
        Optional<ImageFormat> image = ImageFormat.sniff(b);
        if (image.isPresent() && image.get() == ImageFormat.GIF && AnimationProbe.gifImages(b, 2) >= 2) {
            return Optional.of(GIF);
        }
        if (image.isPresent() && image.get() == ImageFormat.PNG && AnimationProbe.pngAnimated(b)) {
            return Optional.of(APNG);
        }
        if (AnimationProbe.webpAnimated(b)) return Optional.of(WEBP);
        return Optional.empty();
    }

    private static boolean isoBaseMedia(byte[] b) {
        String box = new String(b, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        // "ftyp" for MP4 and modern MOV; old QuickTime files may open with these boxes instead
        return box.equals("ftyp") || box.equals("moov") || box.equals("mdat") || box.equals("wide")
                || box.equals("free") || box.equals("skip");
    }
}
