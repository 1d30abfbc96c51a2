package org.sightline.review;

import org.sightline.banks.BankEntry;
import org.sightline.hashing.PdqHash;
import org.sightline.hashing.VpdqFrame;
import org.sightline.ingest.MatchRecord;
import org.sightline.ingest.MediaCatalog;
import org.sightline.matching.SignalType;
import org.sightline.matching.Vpdq;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * A video's contact sheet as the case page shows it: each frame's time, and whether it matched, i.e. the frame's
 * vPDQ hash lies within the PDQ threshold of a frame of a matched video entry or of a matched image entry (the
 * entry and the distance named), so the moderator sees which part of the video the evidence rests on.
 */
final class ContactSheetView {
    /** Sightline's default PDQ threshold, as the matcher's video rule uses it. */
    static final int PDQ_THRESHOLD = 31;

    /** One frame: its index (for its derivative's URL), time as m:ss, and the closest matched entry, if any. */
    record Frame(int index, double timestamp, String at, boolean matched, Long entryId, String bank, Integer distance) {
    }

    private ContactSheetView() {
    }

    static List<Frame> of(MediaCatalog media, long mediaId, List<MatchRecord> matches,
                          LongFunction<Optional<BankEntry>> entries) {
        List<Double> times = media.contactSheet(mediaId);
        if (times.isEmpty()) return List.of();
        List<VpdqFrame> upload = media.video(mediaId).map(v -> Vpdq.parse(v.vpdq())).orElse(List.of());
        record Matched(MatchRecord match, List<PdqHash> hashes) {
        }
        List<Matched> matched = new ArrayList<>();
        for (MatchRecord m : matches) {
            if (m.vetoed()) continue;
            Optional<BankEntry> e = entries.apply(m.entryId());
            if (e.isEmpty()) continue;
            String type = e.get().signalType();
            if (type.equals(SignalType.VPDQ.wireName())) {
                matched.add(new Matched(m, Vpdq.parse(e.get().signalValue()).stream().map(VpdqFrame::pdq).toList()));
            } else if (type.equals(SignalType.PDQ.wireName())) {
                matched.add(new Matched(m, List.of(PdqHash.parse(e.get().signalValue()))));
            }
        }
        List<Frame> frames = new ArrayList<>(times.size());
        for (int i = 0; i < times.size(); i++) {
            double t = times.get(i);
            PdqHash hash = null;
            for (VpdqFrame f : upload) {
                if (Math.abs(f.timestamp() - t) < 0.01) {
                    hash = f.pdq();
                    break;
                }
            }
            MatchRecord best = null;
            int bestDistance = Integer.MAX_VALUE;
            if (hash != null) {
                for (Matched m : matched) {
                    for (PdqHash h : m.hashes()) {
                        int d = hash.distance(h);
                        if (d < bestDistance) {
                            bestDistance = d;
                            best = m.match();
                        }
                    }
                }
            }
            boolean hit = best != null && bestDistance <= PDQ_THRESHOLD;
            frames.add(new Frame(i, t, MatchRecord.time(t), hit, hit ? best.entryId() : null,
                    hit ? best.bankName() : null, hit ? bestDistance : null));
        }
        return frames;
    }
}
