package org.sightline.hashing;

import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every signal of one video or animation: the vPDQ frames (one per {@code video.vpdq_seconds_per_hash}), the MD5
 * of the file under HMA's name {@code video_md5}, its SHA-256, and what the container said.
 */
public record VideoSignals(VideoFormat format, String codec, int width, int height, double frameRate,
                           double durationSeconds, List<VpdqFrame> vpdq, String videoMd5, String sha256) {

    public VideoSignals {
        vpdq = List.copyOf(vpdq);
    }

    /** The vPDQ text forms, HMA's JSON array of {@code "<pdq>,<quality>,<timestamp>"}. */
    public List<String> vpdqText() {
        return vpdq.stream().map(VpdqFrame::text).toList();
    }

    /** Frames good enough to match on (quality ≥ 50). */
    public long matchableFrames() {
        return vpdq.stream().filter(VpdqFrame::matchable).count();
    }

    /**
     * The stable JSON form used by the CLI and the API: {@code {"kind":"video","format","codec","width","height",
     * "duration_s","frame_rate","vpdq":[...],"video_md5","sha256"}}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", "video");
        json.put("format", format.label());
        json.put("codec", codec);
        json.put("width", width);
        json.put("height", height);
        json.put("duration_s", Math.round(durationSeconds * 1000) / 1000.0);
        json.put("frame_rate", Math.round(frameRate * 1000) / 1000.0);
        json.put("vpdq", vpdqText());
        json.put("video_md5", videoMd5);
        json.put("sha256", sha256);
        return json;
    }
}
