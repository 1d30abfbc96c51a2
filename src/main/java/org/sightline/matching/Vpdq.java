package org.sightline.matching;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.hashing.PdqHash;
import org.sightline.hashing.VpdqFrame;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * vPDQ values as banks and lists hold them (HMA's JSON array of frame strings), and python-threatexchange's
 * matching rule: both sides deduplicated and filtered to quality ≥ 50, then the share of each side's frames that
 * have a frame of the other side within the PDQ distance.
 */
public final class Vpdq {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vpdq() {
    }

    /** Parses a JSON array of frame strings; the message says what is wrong. */
    public static List<VpdqFrame> parse(String json) {
        JsonNode array;
        try {
            array = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("vpdq value must be a JSON array of \"<pdq>,<quality>,<timestamp>\" strings");
        }
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("vpdq value must be a JSON array of \"<pdq>,<quality>,<timestamp>\" strings");
        }
        if (array.isEmpty()) throw new IllegalArgumentException("vpdq value has no frames");
        if (array.size() > SignalType.MAX_VPDQ_FRAMES) {
            throw new IllegalArgumentException("vpdq value has " + array.size() + " frames, over the limit of "
                    + SignalType.MAX_VPDQ_FRAMES);
        }
        List<VpdqFrame> frames = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode f = array.get(i);
            if (!f.isTextual()) throw new IllegalArgumentException("vpdq frame " + (i + 1) + " is not a string");
            try {
                frames.add(VpdqFrame.parse(f.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vpdq frame " + (i + 1) + ": " + e.getMessage());
            }
        }
        return frames;
    }

    /** The canonical stored form: compact JSON, each frame in pytx's text form. */
    public static String canonical(List<VpdqFrame> frames) {
        try {
            return JSON.writeValueAsString(frames.stream().map(VpdqFrame::text).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** pytx's {@code prepare_vpdq_feature}: quality ≥ 50, first of each distinct hash, in order. */
    public static List<PdqHash> distinctMatchable(List<VpdqFrame> frames) {
        Set<PdqHash> seen = new LinkedHashSet<>();
        for (VpdqFrame f : frames) if (f.matchable()) seen.add(f.pdq());
        return List.copyOf(seen);
    }

    /** How many of {@code these} have a hash of {@code others} within {@code threshold}. */
    public static int matchedIn(List<PdqHash> these, List<PdqHash> others, int threshold) {
        int n = 0;
        for (PdqHash h : these) {
            for (PdqHash o : others) {
                if (h.distance(o) <= threshold) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
