package org.sightline.ingest;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Picks up to {@link #MAX} frames spread over a video while it decodes, without knowing its length beforehand:
 * each offered frame is shrunk at once (the decoder reuses its buffer), and when twice {@link #MAX} are held every
 * other one is dropped and the stride doubles, so at most {@code 2 × MAX} small copies are held at any time.
 */
final class ContactSheet {
    static final int MAX = 9;

    /** One frame of the sheet: its time in seconds and a shrunk RGB copy. */
    record Frame(double timestamp, BufferedImage image) {
    }

    private final UnaryOperator<BufferedImage> shrink;
    private final List<Frame> kept = new ArrayList<>();
    private long stride = 1;
    private long offered;

    ContactSheet(UnaryOperator<BufferedImage> shrink) {
        this.shrink = shrink;
    }

    void offer(double timestamp, BufferedImage image) {
        long n = offered++;
        if (n % stride != 0) return;
        kept.add(new Frame(timestamp, shrink.apply(image)));
        if (kept.size() >= 2 * MAX) {
            List<Frame> thinned = new ArrayList<>(MAX);
            for (int i = 0; i < kept.size(); i += 2) thinned.add(kept.get(i));
            kept.clear();
            kept.addAll(thinned);
            stride *= 2;
        }
    }

    /** At most {@link #MAX} frames, evenly spread over those kept, first frame included. */
    List<Frame> frames() {
        if (kept.size() <= MAX) return List.copyOf(kept);
        List<Frame> out = new ArrayList<>(MAX);
        for (int i = 0; i < MAX; i++) out.add(kept.get((int) ((long) i * kept.size() / MAX)));
        return out;
    }
}
