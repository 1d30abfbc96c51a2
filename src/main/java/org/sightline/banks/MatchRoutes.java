package org.sightline.banks;

import org.sightline.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Scope;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.sightline.common.Refusal;
import org.sightline.web.JsonBody;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code POST /api/v1/match} (HMA's {@code GET /m/lookup} lives in {@code hma}). */
public final class MatchRoutes {
    private final BankService banks;
    private final ObjectMapper json;

    private MatchRoutes(BankService banks, ObjectMapper json) {
        this.banks = banks;
        this.json = json;
    }

    public static void register(RoutesConfig routes, BankService banks, ObjectMapper json) {
        MatchRoutes r = new MatchRoutes(banks, json);
        routes.post("/api/v1/match", r::match, Access.token(Scope.MATCH));
    }

    private void match(Context ctx) {
        JsonNode body = JsonBody.object(ctx, json,
                "{\"signal_type\": ..., \"hash\": ...} or {\"signals\": [...]}");
        List<Matcher.Probe> probes = new ArrayList<>();
        if (body.has("signals")) {
            JsonNode list = body.get("signals");
            if (!list.isArray() || list.isEmpty()) throw Refusal.invalid("signals must be a non-empty array");
            if (list.size() > 32) throw Refusal.invalid("at most 32 signals per request");
            int i = 0;
            for (JsonNode s : list) probes.add(probe(s, "signals[" + i++ + "]: "));
        } else {
            probes.add(probe(body, ""));
        }
        BankService.MatchOutcome out = banks.match(probes);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("matches", views(out.matches()));
        res.put("allowed", views(out.allowed()));
        res.put("vetoed", views(out.vetoed()));
        ctx.json(res);
    }

    private static Matcher.Probe probe(JsonNode s, String where) {
        if (!s.isObject()) throw Refusal.invalid(where + "expected an object");
        try {
            SignalType type = SignalType.parse(s.path("signal_type").asText(null));
            JsonNode v = s.has("hash") ? s.get("hash") : s.has("value") ? s.get("value") : s.get("signal");
            // a vpdq value may come as the JSON array itself or as its text
            if (type == SignalType.VPDQ && v != null && v.isArray()) v = com.fasterxml.jackson.databind.node.TextNode.valueOf(v.toString());
            if (v == null || !v.isTextual()) throw new IllegalArgumentException("hash is missing");
            Integer quality = null;
            if (s.has("quality") && !s.get("quality").isNull()) {
                if (!s.get("quality").isIntegralNumber()) throw new IllegalArgumentException("quality must be 0..100");
                quality = s.get("quality").asInt();
                if (quality < 0 || quality > 100) throw new IllegalArgumentException("quality must be 0..100");
            }
            return new Matcher.Probe(type, type.normalize(v.asText()), null, quality);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(where + e.getMessage());
        }
    }

    /**
     * What a video match rests on: {@code banked_percent}/{@code upload_percent} for a video against a banked
     * video, {@code upload_at}/{@code banked_at} (seconds) for the frame a still matched.
     */
    static Map<String, Object> videoView(Matcher.VideoEvidence v) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (v.bankedPercent() != null) m.put("banked_percent", v.bankedPercent());
        if (v.uploadPercent() != null) m.put("upload_percent", v.uploadPercent());
        if (v.uploadAt() != null) m.put("upload_at", v.uploadAt());
        if (v.bankedAt() != null) m.put("banked_at", v.bankedAt());
        return m;
    }

    private static List<Map<String, Object>> views(List<BankService.BankMatch> ms) {
        List<Map<String, Object>> out = new ArrayList<>(ms.size());
        for (BankService.BankMatch bm : ms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bank", bm.bank().name());
            m.put("entry_id", bm.match().entryId());
            m.put("signal_type", bm.match().signalType().wireName());
            m.put("distance", bm.match().distance());
            m.put("variant", bm.match().variant());
            m.put("labels", bm.labels());
            m.put("policy", bm.bank().policy());
            m.put("mode", bm.bank().mode());
            if (bm.match().video() != null) m.put("video", videoView(bm.match().video()));
            out.add(m);
        }
        return out;
    }
}
