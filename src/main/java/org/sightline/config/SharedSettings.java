package org.sightline.config;

import java.util.List;
import java.util.Optional;

/** The settings every part of Sightline shares, read through {@link Config}'s typed accessors. */
public final class SharedSettings {
    public static final Setting<String> DATA_DIR = Setting.string("data.dir", "data",
            "the embedded database, the secrets key, the publishing key");
    public static final Setting<String> HTTP_HOST = Setting.string("http.host", "127.0.0.1",
            "the address the server listens on");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", 8080,
            "the port the server listens on");
    public static final Setting<Optional<String>> PUBLIC_URL = Setting.optional("http.public_url",
            "invitation links: the request's host; webhook and OAuth callbacks: http://<host>:<port>",
            "the address users and instances reach Sightline on (e.g. https://sightline.example)");
    public static final Setting<Long> MAX_MEDIA_BYTES = Setting.longValue("media.max_bytes", 20L * 1024 * 1024,
            "largest media file accepted, in bytes (20 MB)");
    public static final Setting<Long> MAX_PIXELS = Setting.longValue("media.max_pixels", 50_000_000L,
            "largest width × height decoded");
    public static final Setting<Integer> DECODE_CONCURRENCY = Setting.integer("decode.concurrency",
            () -> Runtime.getRuntime().availableProcessors(), "the number of cores", "images decoded at once");

    public static final Setting<Long> DECODE_MAX_PIXELS_IN_FLIGHT = Setting.longValue("decode.max_pixels_in_flight",
            c -> 2 * MAX_PIXELS.from(c), "2 × media.max_pixels",
            "pixels decoded (and held) at once over all images; a large image waits for room");

    public static final Setting<Boolean> DECODE_NATIVE = Setting.bool("decode.native", true,
            "decode JPEG with libjpeg-turbo and WebP with libwebp when installed (faster; WebP bit-exact with HMA); "
                    + "false: ImageIO for every format");

    public static final List<Setting<?>> KEYS = List.of(DATA_DIR, HTTP_HOST, HTTP_PORT, PUBLIC_URL, MAX_MEDIA_BYTES,
            MAX_PIXELS, DECODE_CONCURRENCY, DECODE_MAX_PIXELS_IN_FLIGHT, DECODE_NATIVE);

    private SharedSettings() {
    }
}
