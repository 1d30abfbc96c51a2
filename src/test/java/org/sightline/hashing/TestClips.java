package org.sightline.hashing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The bundled ffmpeg program for tests that make clips; a machine without libpulse0 skips them, CI fails them. */
public final class TestClips {
    private TestClips() {
    }

    public static FfmpegProgram ffmpeg() {
        try {
            return FfmpegProgram.bundled();
        } catch (FfmpegProgram.Unavailable e) {
            if (System.getenv("CI") != null) return Assertions.fail(e.getMessage(), e);
            return Assumptions.abort(e.getMessage());
        }
    }
}
