package org.sightline.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Access;
import org.sightline.access.Principal;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.common.Refusal;
import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.post.PostContext;
import org.sightline.web.JsonBody;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/cases/{id}}: a case with its risk score and the post's context; {@code POST
 * /api/v1/cases/{id}/decision}: the three decisions, scriptable (scope {@code review}; an admin token
 * may also decide escalated cases). The token decides as {@code token:<name>}, the name its decisions and
 * statements carry (so it cannot decide an appeal of its own decision either).
 */
public final class CaseDecisionRoutes {
    private CaseDecisionRoutes() {
    }

    public static void register(RoutesConfig routes, ReviewService review, MediaCatalog media, ObjectMapper json) {
        routes.get("/api/v1/cases/{id}", ctx -> show(ctx, review, media), Access.token(Scope.REVIEW));
        routes.post("/api/v1/cases/{id}/decision", ctx -> decide(ctx, review, json), Access.token(Scope.REVIEW));
    }

    /** The case as a script reads it: state, reason, decision, risk and the post's context (null when none). */
    private static void show(Context ctx, ReviewService review, MediaCatalog media) {
        long id = id(ctx);
        ReviewCase c = review.find(id).orElseThrow(() -> Refusal.notFound("no case " + id));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("media_id", c.mediaId());
        out.put("state", c.state().wireName());
        out.put("priority", c.priority());
        out.put("reason", c.reason());
        out.put("created_at", c.createdAt().toString());
        out.put("decision", c.decision());
        out.put("decided_by", c.decidedBy());
        out.put("decided_at", c.decidedAt() == null ? null : c.decidedAt().toString());
        out.put("instance", c.evidence().instanceName());
        out.put("status", c.evidence().statusId());
        out.put("acct", c.evidence().acct());
        out.put("risk", media.risk(c.mediaId()).map(org.sightline.decide.Risk::toJson).orElse(null));
        out.put("post", media.post(c.mediaId()).map(PostContext::toJson).orElse(null));
        ctx.json(out);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no case " + ctx.pathParam("id"));
        }
    }

    private static void decide(Context ctx, ReviewService review, ObjectMapper json) {
        long id = id(ctx);
        JsonNode body = JsonBody.object(ctx, json,
                "{\"decision\": \"confirm\"|\"dismiss\"|\"escalate\", \"labels\": [...], \"actions\": [...], \"reason\": \"...\", \"forward\": false, \"entry_opinion\": \"false_positive\"|\"disputed\"}");
        Principal p = Access.principal(ctx);
        User user = new User(-1, Access.tokenActor(ctx), (p.has(Scope.ADMIN) ? Role.ADMIN : Role.MODERATOR).wireName(),
                0, false, false, false, Instant.EPOCH);
        String reason = body.path("reason").isTextual() ? body.path("reason").asText() : null;
        String decision = body.path("decision").asText("");
        switch (decision) {
            case "confirm" -> review.confirm(id, user, new ReviewService.Confirm(strings(body, "labels"),
                    body.path("bank").isTextual() ? body.path("bank").asText() : null, strings(body, "actions"), reason,
                    body.path("forward").asBoolean(false)));
            case "dismiss" -> {
                JsonNode opinion = body.path("entry_opinion");
                if (!opinion.isMissingNode() && !opinion.isNull() && !opinion.isTextual()) {
                    throw Refusal.invalid("entry_opinion must be \"false_positive\", \"disputed\" or \"none\"");
                }
                review.dismiss(id, user, reason, body.path("allow_bank").isTextual() ? body.path("allow_bank").asText() : null,
                        opinion.isTextual() ? opinion.asText() : null);
            }
            case "escalate" -> review.escalate(id, user, reason);
            default -> throw Refusal.invalid("decision must be confirm, dismiss or escalate");
        }
        ReviewCase c = review.find(id).orElseThrow();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("state", c.state().wireName());
        out.put("decision", c.decision());
        out.put("decided_by", c.decidedBy());
        out.put("actions", review.actions(c.mediaId()).stream().map(a -> Map.of("action", a.action(), "state", a.state()))
                .toList());
        ctx.json(out);
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) return List.of();
        if (!n.isArray()) throw Refusal.invalid(field + " must be a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode x : n) {
            if (!x.isTextual()) throw Refusal.invalid(field + " must be a list of strings");
            out.add(x.asText());
        }
        if (out.size() > 20) throw Refusal.invalid("at most 20 " + field);
        return out;
    }
}
