package org.sightline.hashing;

import org.sightline.config.Config;
import org.sightline.config.ConfigException;
import org.sightline.config.Setting;
import org.sightline.config.SharedSettings;

import java.time.Duration;
import java.util.List;

/** Video and animation limits, vPDQ's frame interval, and the two vPDQ match percentages. */
public record VideoSettings(double secondsPerHash, long maxSeconds, long maxBytes, long maxFrames, long maxPixels,
                            Duration decodeBudget, double matchBankedPercent, double matchUploadPercent) {

    public static final Setting<Double> SECONDS_PER_HASH = Setting.decimal("video.vpdq_seconds_per_hash", 1.0,
            "vPDQ hashes one frame every this many seconds of video (python-threatexchange's seconds_per_hash)");
    public static final Setting<Long> MAX_SECONDS = Setting.longValue("video.max_seconds", 600,
            "longest video or animation hashed, in s; a longer one is too_large and goes to review");
    public static final Setting<Long> MAX_VIDEO_BYTES = Setting.longValue("media.max_video_bytes",
            200L * 1024 * 1024, "largest video or animation file accepted, in bytes (200 MB)");
    public static final Setting<Long> MAX_FRAMES = Setting.longValue("video.max_frames", 36_000,
            "most frames decoded from one video or animation (600 s at 60 frames/s); more is too_large");
    public static final Setting<Long> DECODE_BUDGET_S = Setting.longValue("video.decode_budget_s", 120,
            "longest time spent decoding one video, in s; slower is decode_failed and goes to review");
    public static final Setting<Double> MATCH_BANKED_PERCENT = Setting.decimal("video.match_banked_percent", 80.0,
            "a video matches a banked video when at least this % of the banked video's distinct frames "
                    + "(quality >= 50) have a frame of the upload within the PDQ threshold");
    public static final Setting<Double> MATCH_UPLOAD_PERCENT = Setting.decimal("video.match_upload_percent", 80.0,
            "... or when at least this % of the upload's distinct frames (quality >= 50) have one in the banked video");

    public static final List<Setting<?>> KEYS = List.of(SECONDS_PER_HASH, MAX_SECONDS, MAX_VIDEO_BYTES, MAX_FRAMES,
            DECODE_BUDGET_S, MATCH_BANKED_PERCENT, MATCH_UPLOAD_PERCENT);

    public VideoSettings {
        if (!(secondsPerHash > 0)) throw new ConfigException("video.vpdq_seconds_per_hash must be positive");
        if (maxSeconds <= 0 || maxBytes <= 0 || maxFrames <= 0 || maxPixels <= 0) {
            throw new ConfigException("video limits must be positive");
        }
        if (decodeBudget.isNegative() || decodeBudget.isZero()) {
            throw new ConfigException("video.decode_budget_s must be positive");
        }
        if (matchBankedPercent < 0 || matchBankedPercent > 100 || matchUploadPercent < 0 || matchUploadPercent > 100) {
            throw new ConfigException("video.match_*_percent must be within 0..100");
        }
    }

    public static VideoSettings from(Config config) {
        return new VideoSettings(SECONDS_PER_HASH.from(config), MAX_SECONDS.from(config), MAX_VIDEO_BYTES.from(config),
                MAX_FRAMES.from(config), SharedSettings.MAX_PIXELS.from(config),
                Duration.ofSeconds(DECODE_BUDGET_S.from(config)), MATCH_BANKED_PERCENT.from(config),
                MATCH_UPLOAD_PERCENT.from(config));
    }

    /** The defaults, with the image pixel cap given. */
    public static VideoSettings defaults(long maxPixels) {
        return new VideoSettings(1.0, 600, 200L * 1024 * 1024, 36_000, maxPixels, Duration.ofSeconds(120), 80, 80);
    }

    public VideoSettings withMaxFrames(long frames) {
        return new VideoSettings(secondsPerHash, maxSeconds, maxBytes, frames, maxPixels, decodeBudget,
                matchBankedPercent, matchUploadPercent);
    }
}
