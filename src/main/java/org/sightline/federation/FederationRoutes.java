package org.sightline.federation;

import org.sightline.access.Access;
import org.sightline.audit.AuditLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Scope;
import org.sightline.banks.Bank;
import org.sightline.common.Refusal;
import org.sightline.web.ClientAddress;
import org.sightline.web.JsonBody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HTTP handlers of the published lists ({@code /lists/...}) and of {@code /api/v1/lists}, {@code /api/v1/subscriptions}. */
public final class FederationRoutes {
    private final PublishService lists;
    private final SubscriptionService subscriptions;
    private final ObjectMapper json;
    private final String publicUrl;
    private final Trust trust;
    private final ClientAddress clients;
    private final AuditLog audit;
    private final ListFeedback feedback;

    private FederationRoutes(PublishService lists, SubscriptionService subscriptions, Trust trust, ObjectMapper json,
                             String publicUrl, ClientAddress clients, AuditLog audit, ListFeedback feedback) {
        this.feedback = feedback;
        this.audit = audit;
        this.trust = trust;
        this.clients = clients;
        this.lists = lists;
        this.subscriptions = subscriptions;
        this.json = json;
        this.publicUrl = publicUrl;
    }

    /** @param publicUrl this instance's public base URL (lists' ids start with it); null: taken from each request */
    public static void register(RoutesConfig routes, PublishService lists,
                                SubscriptionService subscriptions, Trust trust, ObjectMapper json, String publicUrl,
                                ClientAddress clients, AuditLog audit, ListFeedback feedback) {
        FederationRoutes r = new FederationRoutes(lists, subscriptions, trust, json, publicUrl, clients, audit, feedback);
        routes.post("/api/v1/lists", r::publish, Access.token(Scope.ADMIN));
        routes.get("/api/v1/lists", r::listLists, Access.token(Scope.ADMIN));
        routes.post("/api/v1/lists/{name}/tokens", r::createToken, Access.token(Scope.ADMIN));
        routes.get("/api/v1/lists/{name}/tokens", r::listTokens, Access.token(Scope.ADMIN));
        routes.delete("/api/v1/lists/{name}/tokens/{id}", r::revokeToken, Access.token(Scope.ADMIN));
        // The published documents: public, or checked against subscriber tokens by the handler itself.
        routes.get("/lists/{name}", r::snapshot, Access.selfAuthenticated());
        routes.get("/lists/{name}/changes", r::changes, Access.selfAuthenticated());
        routes.get("/lists/{name}/key", r::key, Access.selfAuthenticated());
        routes.get("/lists/{name}/pdq.txt", r::exportPdq, Access.selfAuthenticated());
        // a subscriber's signed opinion on an entry (FORMAT.md § 8): the handler checks the signature
        routes.post("/lists/{name}/feedback", r::feedback, Access.selfAuthenticated());
        routes.get("/api/v1/lists/{name}/feedback", r::feedbackCounts, Access.token(Scope.ADMIN));
        routes.post("/api/v1/subscriptions/feedback", r::sendFeedback, Access.token(Scope.ADMIN));
        routes.post("/api/v1/subscriptions", r::subscribe, Access.token(Scope.ADMIN));
        routes.get("/api/v1/subscriptions", r::listSubscriptions, Access.token(Scope.ADMIN));
        routes.get("/api/v1/subscriptions/{id}", r::getSubscription, Access.token(Scope.ADMIN));
        routes.patch("/api/v1/subscriptions/{id}", r::updateSubscription, Access.token(Scope.ADMIN));
        routes.post("/api/v1/subscriptions/{id}/sync", r::sync, Access.token(Scope.ADMIN));
        routes.post("/api/v1/subscriptions/{id}/rollback", r::rollback, Access.token(Scope.ADMIN));
        routes.delete("/api/v1/subscriptions/{id}", r::removeSubscription, Access.token(Scope.ADMIN));
        routes.get("/api/v1/list-alerts", r::alerts, Access.token(Scope.ADMIN));
    }

    private String base(Context ctx) {
        if (publicUrl != null) return publicUrl;
        return ctx.scheme() + "://" + ctx.host();
    }

    private void publish(Context ctx) {
        JsonNode b = body(ctx);
        ListDao.PublishedList l = lists.publish(text(b, "name"), text(b, "bank"), text(b, "visibility"),
                text(b, "description"), Access.tokenActor(ctx));
        ctx.status(201).json(listView(l, base(ctx)));
    }

    private void listLists(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ListDao.PublishedList l : lists.list()) out.add(listView(l, base(ctx)));
        ctx.json(Map.of("lists", out));
    }

    private void createToken(Context ctx) {
        JsonNode b = body(ctx);
        PublishService.CreatedToken t = lists.createToken(ctx.pathParam("name"), text(b, "subscriber"), Access.tokenActor(ctx));
        Map<String, Object> out = new LinkedHashMap<>(tokenView(t.token()));
        out.put("token", t.secret());
        ctx.status(201).json(out);
    }

    private void listTokens(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ListDao.ListToken t : lists.tokens(ctx.pathParam("name"))) out.add(tokenView(t));
        ctx.json(Map.of("tokens", out));
    }

    private void revokeToken(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no token " + ctx.pathParam("id"));
        }
        ctx.json(Map.of("revoked", tokenView(lists.revokeToken(ctx.pathParam("name"), id, Access.tokenActor(ctx)))));
    }

    /** A subscriber token as the API shows it: never its secret or hash. */
    private static Map<String, Object> tokenView(ListDao.ListToken t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", t.id());
        out.put("subscriber", t.name());
        out.put("created_at", t.createdAt() == null ? null : t.createdAt().toString());
        out.put("last_used_at", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
        out.put("last_used_from", t.lastUsedFrom());
        return out;
    }

    /** Retracts everything the subscription brought (revisiting cases), stops it, and removes its bank. */
    private void removeSubscription(Context ctx) {
        long id = id(ctx);
        String url = subscriptions.get(id).url();
        String actor = Access.tokenActor(ctx);
        SubscriptionService.Removed r = subscriptions.remove(id, actor,
                h -> audit.append(h, actor, "subscription_remove", "subscription:" + id, "url=" + url));
        ctx.json(Map.of("removed", Map.of("id", r.id(), "url", r.url(), "bank", r.bank(), "retracted", r.retracted())));
    }

    private ListDao.PublishedList readable(Context ctx) {
        ListDao.PublishedList l = lists.get(ctx.pathParam("name"));
        String header = ctx.header("Authorization");
        String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        if (!lists.mayRead(l, bearer, clients.of(ctx))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "this list is for subscribers: send Authorization: Bearer <list token>");
        }
        return l;
    }

    private void feedback(Context ctx) {
        ListDao.PublishedList l = readable(ctx);
        ListFeedback.Received got;
        try {
            got = feedback.receive(l, base(ctx) + "/lists/" + l.name(), ctx.bodyAsBytes(),
                    ctx.header("Sightline-Signature"), ctx.header("Sightline-Key-Id"));
        } catch (ListFeedback.TooMany e) {
            ctx.status(429).json(Map.of("error", "too_many_requests", "message", e.getMessage()));
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entry", got.entry());
        out.put("opinion", got.opinion());
        out.put("key_id", got.keyId());
        ctx.status(202).json(out);
    }

    private void feedbackCounts(Context ctx) {
        ctx.json(Map.of("entries", ListFeedback.view(feedback.counts(ctx.pathParam("name")))));
    }

    /** {@code {"entry_id", "opinion": "false_positive"|"disputed"|"none", "reason"}}: sent to the list's publisher. */
    private void sendFeedback(Context ctx) {
        JsonNode b = body(ctx);
        JsonNode id = b.get("entry_id");
        if (id == null || !id.canConvertToLong()) throw Refusal.invalid("entry_id (a bank entry id) is required");
        int status = feedback.send(id.asLong(), text(b, "opinion"), text(b, "reason"), Access.tokenActor(ctx));
        ctx.json(Map.of("sent", true, "publisher_status", status));
    }

    private void snapshot(Context ctx) {
        ListDao.PublishedList l = readable(ctx);
        String etag = lists.snapshotEtag(l, base(ctx));
        if (notModified(ctx, etag)) return;
        send(ctx, lists.snapshot(l, base(ctx)));
    }

    private void changes(Context ctx) {
        ListDao.PublishedList l = readable(ctx);
        long since;
        try {
            since = Long.parseLong(ctx.queryParam("since") == null ? "0" : ctx.queryParam("since"));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("since must be a sequence number");
        }
        if (since < 0) throw Refusal.invalid("since must be 0 or more");
        String etag = lists.changesEtag(l, since, base(ctx));
        if (notModified(ctx, etag)) return;
        send(ctx, lists.changes(l, since, base(ctx)));
    }

    private void key(Context ctx) {
        readable(ctx);
        ctx.contentType("application/json").result(lists.keyDocument());
    }

    private void exportPdq(Context ctx) {
        ListDao.PublishedList l = readable(ctx);
        StringBuilder sb = new StringBuilder();
        lists.exportPdq(l, line -> sb.append(line).append('\n'));
        ctx.contentType("text/plain; charset=utf-8").result(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private boolean notModified(Context ctx, String etag) {
        String inm = ctx.header("If-None-Match");
        ctx.header("ETag", etag);
        if (inm != null && inm.trim().equals(etag)) {
            ctx.status(304);
            return true;
        }
        return false;
    }

    private static void send(Context ctx, PublishService.SignedDocument d) {
        ctx.header(ListFormat.SIGNATURE_HEADER, d.signature());
        ctx.header(ListFormat.KEY_ID_HEADER, d.keyId());
        ctx.header(ListFormat.SEQUENCE_HEADER, String.valueOf(d.sequence()));
        ctx.header("ETag", d.etag());
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("application/json").result(d.body());
    }

    private void subscribe(Context ctx) {
        JsonNode b = body(ctx);
        SubscriptionDao.Subscription s = subscriptions.subscribe(text(b, "url"), text(b, "key"), text(b, "mode"),
                text(b, "policy"), text(b, "token"), text(b, "bank"));
        // SubscriptionService has no transaction to share (the bank and the subscription commit apart): recorded
        // right after the change commits, as the panel does
        audit.append(Access.tokenActor(ctx), "subscription_add", "subscription:" + s.id(),
                "url=" + s.url() + " key=" + s.keyId() + " mode=" + subscriptions.bank(s).mode());
        ctx.status(201).json(view(s, false));
    }

    private void listSubscriptions(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SubscriptionDao.Subscription s : subscriptions.list()) out.add(view(s, false));
        ctx.json(Map.of("subscriptions", out));
    }

    private void getSubscription(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>(view(subscriptions.get(id(ctx)), true));
        out.put("trust", trust.forSubscription(id(ctx)));
        ctx.json(out);
    }

    private void updateSubscription(Context ctx) {
        JsonNode b = body(ctx);
        // asBoolean() would read "yes please" as false and resume the subscription: only true or false will do
        if (b.has("paused") && !b.get("paused").isBoolean()) throw Refusal.invalid("paused must be true or false");
        Boolean paused = b.has("paused") ? b.get("paused").booleanValue() : null;
        // trust belongs to the publisher (its key): every list it signs gets the same
        if (b.hasNonNull("trust")) trust.setForSubscription(id(ctx), text(b, "trust"), Access.tokenActor(ctx));
        // a token is only ever set, never shown: null or "" removes it
        String token = b.has("token") ? (b.get("token").isNull() ? "" : b.get("token").asText()) : null;
        String mode = text(b, "mode");
        SubscriptionDao.Subscription updated = subscriptions.update(id(ctx), mode, paused, token);
        if (mode != null || paused != null || token != null) {
            // after the commit (no shared transaction); the token itself is never recorded, only that it changed
            List<String> what = new ArrayList<>();
            if (mode != null) what.add("mode=" + mode);
            if (paused != null) what.add("paused=" + paused);
            if (token != null) what.add(token.isEmpty() ? "token removed" : "token set");
            audit.append(Access.tokenActor(ctx), "subscription_update", "subscription:" + updated.id(),
                    String.join(" ", what));
        }
        Map<String, Object> out = new LinkedHashMap<>(view(updated, true));
        out.put("trust", trust.forSubscription(id(ctx)));
        ctx.json(out);
    }

    private void sync(Context ctx) {
        long id = id(ctx);
        SubscriptionService.SyncResult r;
        try {
            r = subscriptions.sync(id);
        } catch (SyncException e) {
            audit.append(Access.tokenActor(ctx), "subscription_sync", "subscription:" + id, "refused: " + e.getMessage());
            throw e;
        }
        // after the sync's own transactions commit
        audit.append(Access.tokenActor(ctx), "subscription_sync", "subscription:" + id, "from=" + r.fromSeq()
                + " to=" + r.toSeq() + " added=" + r.added() + " retracted=" + r.retracted()
                + (r.skipped() > 0 ? " skipped=" + r.skipped() : ""));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from_seq", r.fromSeq());
        out.put("to_seq", r.toSeq());
        out.put("added", r.added());
        out.put("retracted", r.retracted());
        out.put("samples", r.samples());
        out.put("retroactive_matches", r.retroactiveMatches());
        out.put("cases_opened", r.casesOpened());
        out.put("skipped", r.skipped());
        out.put("skipped_types", r.skippedTypes());
        out.put("notice", r.notice());
        out.put("subscription", view(subscriptions.get(id), false));
        ctx.json(out);
    }

    private void rollback(Context ctx) {
        JsonNode b = body(ctx);
        if (!b.has("sequence") || !b.get("sequence").canConvertToLong()) throw Refusal.invalid("give the sequence to roll back to: {\"sequence\": N}");
        SubscriptionService.SyncResult r = subscriptions.rollback(id(ctx), b.get("sequence").asLong());
        // after the rollback's transaction commits
        audit.append(Access.tokenActor(ctx), "subscription_rollback", "subscription:" + id(ctx), "to=" + r.toSeq()
                + " re_added=" + r.added() + " retracted=" + r.retracted());
        ctx.json(Map.of("to_seq", r.toSeq(), "re_added", r.added(), "retracted", r.retracted(),
                "subscription", view(subscriptions.get(id(ctx)), false)));
    }

    /** The latest safety alerts of every subscription, newest first (for the admins' dashboard). */
    private void alerts(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SubscriptionDao.Alert a : subscriptions.recentAlerts()) {
            out.add(Map.of("subscription", a.subscriptionId(), "kind", a.kind(), "message", a.message(),
                    "at", a.createdAt().toString()));
        }
        ctx.json(Map.of("alerts", out));
    }

    private Map<String, Object> view(SubscriptionDao.Subscription s, boolean detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        Bank bank = subscriptions.bank(s);
        m.put("id", s.id());
        m.put("url", s.url());
        m.put("key_id", s.keyId());
        m.put("bank", bank.name());
        m.put("mode", bank.mode());
        m.put("paused", s.paused());
        m.put("list_name", s.listName());
        m.put("publisher", s.publisher());
        m.put("sequence", s.lastSeq());
        m.put("last_sync_at", s.lastSyncAt() == null ? null : s.lastSyncAt().toString());
        m.put("last_error", s.lastError());
        // what the last applied sync left out (entries of signal types this instance does not know)
        m.put("last_notice", subscriptions.lastNotice(s.id()));
        m.put("matched_media_7d", subscriptions.matchedMedia(s, java.time.Instant.now().minus(java.time.Duration.ofDays(7))));
        if (detail) {
            List<Map<String, Object>> syncs = new ArrayList<>();
            for (SubscriptionDao.SyncRecord r : subscriptions.syncs(s.id(), 10)) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("kind", r.kind());
                x.put("from_seq", r.fromSeq());
                x.put("to_seq", r.toSeq());
                x.put("added", r.added());
                x.put("retracted", r.retracted());
                x.put("samples", readList(r.samples()));
                x.put("error", r.error());
                x.put("skipped", r.skipped());
                x.put("notice", r.notice());
                x.put("at", r.createdAt().toString());
                syncs.add(x);
            }
            m.put("syncs", syncs);
            m.put("last_diff", syncs.stream().filter(x -> x.get("error") == null).findFirst().orElse(null));
            List<Map<String, Object>> alerts = new ArrayList<>();
            for (SubscriptionDao.Alert a : subscriptions.alerts(s.id())) {
                alerts.add(Map.of("kind", a.kind(), "message", a.message(), "at", a.createdAt().toString()));
            }
            m.put("alerts", alerts);
        }
        return m;
    }

    private Object readList(String s) {
        try {
            return json.readTree(s);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Map<String, Object> listView(ListDao.PublishedList l, String base) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("url", base + "/lists/" + l.name());
        m.put("visibility", l.visibility());
        m.put("description", l.description());
        m.put("sequence", l.lastSeq());
        return m;
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("subscription id must be a number");
        }
    }

    private JsonNode body(Context ctx) {
        return JsonBody.object(ctx, json, "a JSON object");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw Refusal.invalid(field + " must be a string");
        return v.asText();
    }
}
