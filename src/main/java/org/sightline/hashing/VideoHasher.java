package org.sightline.hashing;

import java.util.ArrayList;
import java.util.List;

/** Bytes of a video or animation in, {@link VideoSignals} out: vPDQ through the same bit-exact PDQ as images. */
public final class VideoHasher {
    private final VideoDecoder decoder;
    private final PdqHasher pdq = new PdqHasher();

    public VideoHasher(VideoDecoder decoder) {
        this.decoder = decoder;
    }

    public VideoDecoder decoder() {
        return decoder;
    }

    /** True when these bytes go through the video frame path (a video container, an animated GIF or an APNG). */
    public static boolean isVideo(byte[] bytes) {
        return VideoFormat.sniff(bytes).isPresent();
    }

    public VideoSignals hash(byte[] bytes) throws MediaException {
        return hash(bytes, null);
    }

    /** Hashes the video; {@code frames} (may be null) also sees every picked frame, e.g. to keep a contact sheet. */
    public VideoSignals hash(byte[] bytes, VideoDecoder.FrameSink frames) throws MediaException {
        List<VpdqFrame> features = new ArrayList<>();
        VideoDecoder.Header header = decoder.decode(bytes, frame -> {
            PdqResult r = pdq.hash(frame.image());
            features.add(new VpdqFrame(r.hash(), r.quality(), frame.timestamp()));
            if (frames != null) frames.accept(frame);
        });
        return new VideoSignals(header.format(), header.codec(), header.width(), header.height(), header.frameRate(),
                header.durationSeconds(), features, MediaHasher.digest("MD5", bytes),
                MediaHasher.digest("SHA-256", bytes));
    }
}
