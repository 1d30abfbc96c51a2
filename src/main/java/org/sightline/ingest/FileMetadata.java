package org.sightline.ingest;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.jpeg.JpegSegmentReader;
import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.imaging.png.PngChunk;
import com.drew.imaging.png.PngChunkReader;
import com.drew.imaging.png.PngChunkType;
import com.drew.lang.GeoLocation;
import com.drew.lang.KeyValuePair;
import com.drew.lang.StreamReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import org.sightline.store.Columns;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a media file says about itself, as context for a moderator: the camera and software, when it was taken,
 * whether it carries GPS coordinates (which can locate the poster or a victim: a privacy warning on the case
 * page), and hints of how it was made (a C2PA manifest, an IPTC digital source type saying "AI", generation
 * parameters a Stable Diffusion tool writes into PNG text). Read with metadata-extractor; only what the case
 * page shows is kept — never the coordinates — and none of it is logged.
 */
public record FileMetadata(String camera, String software, String taken, boolean gps, boolean c2pa, String aiHint) {
    public static final FileMetadata NONE = new FileMetadata(null, null, null, false, false, null);

    /** The IPTC digital source types that say a model generated the picture or part of it. */
    private static final Map<String, String> AI_SOURCE_TYPES = Map.of(
            "trainedalgorithmicmedia", "IPTC digital source type: created by a trained model (AI-generated)",
            "compositewithtrainedalgorithmicmedia", "IPTC digital source type: composite with AI-generated parts",
            "algorithmicmedia", "IPTC digital source type: algorithmic media");
    /** PNG text keywords under which image generators store their prompt and settings. */
    private static final Set<String> GENERATOR_TEXT_KEYS = Set.of("parameters", "prompt", "workflow", "invokeai_metadata");
    private static final PngChunkType C2PA_PNG_CHUNK;

    static {
        try {
            C2PA_PNG_CHUNK = new PngChunkType("caBX", true);
        } catch (com.drew.imaging.png.PngProcessingException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * Reads the metadata of a file that already decoded as an image. A file whose metadata cannot be read says
     * nothing: metadata is context, and the image itself was judged separately.
     */
    public static FileMetadata read(byte[] bytes) {
        Metadata metadata;
        try {
            metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
        } catch (Exception | StackOverflowError e) {
            return NONE;
        }
        ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
        String make = text(ifd0, ExifIFD0Directory.TAG_MAKE);
        String model = text(ifd0, ExifIFD0Directory.TAG_MODEL);
        String camera = make == null ? model
                : model == null || model.toLowerCase(Locale.ROOT).startsWith(make.toLowerCase(Locale.ROOT)) ? (model == null ? make : model)
                : make + " " + model;
        String software = text(ifd0, ExifIFD0Directory.TAG_SOFTWARE);
        Map<String, String> xmp = xmp(metadata);
        if (software == null) software = xmp.get("xmp:CreatorTool");
        String taken = exifTime(text(metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class),
                ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL));
        if (taken == null) taken = exifTime(text(ifd0, ExifIFD0Directory.TAG_DATETIME));
        boolean gps = false;
        for (GpsDirectory g : metadata.getDirectoriesOfType(GpsDirectory.class)) {
            GeoLocation at = g.getGeoLocation();
            if (at != null && !at.isZero()) gps = true;
        }
        String aiHint = null;
        String sourceType = xmp.get("Iptc4xmpExt:DigitalSourceType");
        if (sourceType != null) {
            String last = sourceType.substring(sourceType.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            aiHint = AI_SOURCE_TYPES.get(last);
        }
        if (aiHint == null) aiHint = generatorText(metadata);
        return new FileMetadata(Columns.truncate(camera, 200), Columns.truncate(software, 200), taken, gps,
                hasC2paManifest(bytes), aiHint);
    }

    /** Camera, software and time taken, as one line for the case page ("" when the file names none of them). */
    public String summary() {
        List<String> parts = new java.util.ArrayList<>(3);
        if (camera != null) parts.add(camera);
        if (software != null) parts.add(software);
        if (taken != null) parts.add("taken " + taken + " (camera clock)");
        return String.join(" · ", parts);
    }

    /** The JSON shape of the scan API and the case page. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", camera);
        m.put("software", software);
        m.put("taken", taken);
        m.put("gps", gps);
        m.put("c2pa", c2pa);
        m.put("ai_hint", aiHint);
        return m;
    }

    private static String text(Directory d, int tag) {
        if (d == null) return null;
        String s = d.getString(tag);
        if (s == null) return null;
        s = s.replaceAll("[\\p{Cntrl}]", "").strip();
        return s.isEmpty() ? null : s;
    }

    /** EXIF's "2024:05:01 10:20:30" (the camera's own clock, no zone) as "2024-05-01 10:20:30". */
    private static String exifTime(String s) {
        if (s == null || !s.matches("\\d{4}:\\d{2}:\\d{2} \\d{2}:\\d{2}:\\d{2}.*")) return null;
        if (s.startsWith("0000")) return null;
        return s.substring(0, 4) + "-" + s.substring(5, 7) + "-" + s.substring(8, 19);
    }

    private static Map<String, String> xmp(Metadata metadata) {
        Map<String, String> all = new LinkedHashMap<>();
        for (XmpDirectory x : metadata.getDirectoriesOfType(XmpDirectory.class)) all.putAll(x.getXmpProperties());
        return all;
    }

    private static String generatorText(Metadata metadata) {
        for (PngDirectory png : metadata.getDirectoriesOfType(PngDirectory.class)) {
            Object pairs = png.getObject(PngDirectory.TAG_TEXTUAL_DATA);
            if (!(pairs instanceof List<?> list)) continue;
            for (Object o : list) {
                if (o instanceof KeyValuePair kv && GENERATOR_TEXT_KEYS.contains(kv.getKey().toLowerCase(Locale.ROOT))) {
                    return "image-generator settings in the PNG text (\"" + kv.getKey() + "\")";
                }
            }
        }
        return null;
    }

    /**
     * Whether the file carries a C2PA manifest (content credentials) where the specification puts it: JUMBF boxes
     * in JPEG APP11 segments, a {@code caBX} chunk in PNG. metadata-extractor reads the segments and chunks; it
     * does not parse the manifest, so only its presence is reported.
     */
    static boolean hasC2paManifest(byte[] bytes) {
        try {
            if (bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
                var segments = JpegSegmentReader.readSegments(new StreamReader(new ByteArrayInputStream(bytes)),
                        Set.of(JpegSegmentType.APPB));
                for (byte[] segment : segments.getSegments(JpegSegmentType.APPB)) {
                    String head = new String(segment, 0, Math.min(segment.length, 64), StandardCharsets.ISO_8859_1);
                    if (head.contains("jumb") && head.contains("c2pa")) return true;
                }
            } else if (bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
                for (PngChunk chunk : new PngChunkReader().extract(new StreamReader(new ByteArrayInputStream(bytes)),
                        Set.of(C2PA_PNG_CHUNK))) {
                    if (chunk.getType().equals(C2PA_PNG_CHUNK)) return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }
}
