package org.sightline.federation;

import org.sightline.banks.BankMode;
import org.sightline.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.audit.AuditLog;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.sightline.access.Role;
import org.sightline.web.Page;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The admins' {@code /subscriptions} page: subscriptions, their sync diffs and alerts, and what to do with them. */
public final class SubscriptionPanelRoutes {
    private static final int SYNCS_SHOWN = 5;

    private final SubscriptionService subscriptions;
    private final AuditLog audit;
    private final Trust trust;
    private final SyncJobs syncJobs;
    private final ObjectMapper json = new ObjectMapper();

    private SubscriptionPanelRoutes(SubscriptionService subscriptions, AuditLog audit, Trust trust, SyncJobs syncJobs) {
        this.subscriptions = subscriptions;
        this.audit = audit;
        this.trust = trust;
        this.syncJobs = syncJobs;
    }

    /**
     * {@code trust}: the publishers' trust, set per subscription on the page (null: not shown); {@code syncJobs}:
     * "Sync now" queues a {@code list_sync} job whose progress the page follows.
     */
    public static void register(RoutesConfig routes, SubscriptionService subscriptions, AuditLog audit, Trust trust,
                                SyncJobs syncJobs) {
        SubscriptionPanelRoutes r = new SubscriptionPanelRoutes(subscriptions, audit, trust, syncJobs);
        if (trust != null) routes.post("/subscriptions/{id}/trust", r::trust, Access.panel(Role.ADMIN));
        routes.get("/subscriptions", ctx -> r.page(ctx, 200, Map.of()), Access.panel(Role.ADMIN));
        routes.post("/subscriptions", r::add, Access.panel(Role.ADMIN));
        routes.post("/subscriptions/{id}/sync", r::sync, Access.panel(Role.ADMIN));
        routes.post("/subscriptions/{id}/mode", r::mode, Access.panel(Role.ADMIN));
        routes.post("/subscriptions/{id}/pause", r::pause, Access.panel(Role.ADMIN));
        routes.post("/subscriptions/{id}/rollback", r::rollback, Access.panel(Role.ADMIN));
        routes.post("/subscriptions/{id}/remove", r::remove, Access.panel(Role.ADMIN));
    }

    /** A change that may be refused: the refusal is shown on the page with its status. */
    private interface Change {
        String run(String admin);
    }

    private void change(Context ctx, Change c) {
        String admin = Access.requireSession(ctx).user().name();
        try {
            page(ctx, 200, Map.of("message", c.run(admin)));
        } catch (SyncException e) {
            page(ctx, 422, Map.of("error", "Sync refused: " + e.getMessage()));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private void add(Context ctx) {
        change(ctx, admin -> {
            String mode = ctx.formParam("mode");
            SubscriptionDao.Subscription s = subscriptions.subscribe(ctx.formParam("url"), ctx.formParam("key"),
                    mode == null || mode.isBlank() ? "observe" : mode, null, blankToNull(ctx.formParam("token")), null);
            audit.append(admin, "subscription_add", "subscription:" + s.id(),
                    "url=" + s.url() + " key=" + s.keyId() + " mode=" + subscriptions.bank(s).mode());
            return "Subscribed to " + s.url() + " (" + subscriptions.bank(s).mode() + "). Sync it to see what it holds.";
        });
    }

    /** Queues a sync job and answers at once; the page's progress bar follows it (one at a time per subscription). */
    private void sync(Context ctx) {
        change(ctx, admin -> {
            long id = id(ctx);
            org.sightline.jobs.Jobs.Started job = syncJobs.start(id, admin);
            return job.created()
                    ? "Sync of subscription " + id + " started (job " + job.id() + "): its progress shows below."
                    : "A sync of subscription " + id + " is already queued or running (job " + job.id() + "); no other was started.";
        });
    }

    private void mode(Context ctx) {
        change(ctx, admin -> {
            long id = id(ctx);
            BankMode mode;
            try {
                mode = BankMode.parse(ctx.formParam("mode"));
            } catch (Refusal e) {
                throw Refusal.invalid("mode must be enforce or observe");
            }
            subscriptions.update(id, mode.wireName(), null, null);
            audit.append(admin, "subscription_mode", "subscription:" + id, "mode=" + mode);
            return "Subscription " + id + " now " + (mode == BankMode.ENFORCE ? "enforces" : "observes") + ".";
        });
    }

    /** The publisher's trust (low, normal, high: how its entries count toward the quorum), audited as trust_set. */
    private void trust(Context ctx) {
        change(ctx, admin -> {
            long id = id(ctx);
            String level = String.valueOf(ctx.formParam("trust")).trim();
            String keyId = trust.setForSubscription(id, level, admin);
            return "The publisher of subscription " + id + " (key " + keyId + ") is now trusted " + level + ".";
        });
    }

    private void pause(Context ctx) {
        change(ctx, admin -> {
            long id = id(ctx);
            boolean paused = "true".equals(ctx.formParam("paused"));
            subscriptions.update(id, null, paused, null);
            audit.append(admin, paused ? "subscription_pause" : "subscription_resume", "subscription:" + id, "");
            return "Subscription " + id + (paused ? " paused." : " resumed.");
        });
    }

    private void remove(Context ctx) {
        change(ctx, admin -> {
            long id = id(ctx);
            String url = subscriptions.get(id).url();
            SubscriptionService.Removed r = subscriptions.remove(id, admin, h -> audit.append(h, admin,
                    "subscription_remove", "subscription:" + id, "url=" + url));
            return "Subscription " + id + " removed: " + r.retracted() + " entries of bank " + r.bank() + " retracted.";
        });
    }

    private void rollback(Context ctx) {
        change(ctx, admin -> {
            long id = id(ctx);
            long seq;
            try {
                seq = Long.parseLong(String.valueOf(ctx.formParam("sequence")).trim());
            } catch (NumberFormatException e) {
                throw Refusal.invalid("give the sequence number to roll back to");
            }
            SubscriptionService.SyncResult r = subscriptions.rollback(id, seq);
            audit.append(admin, "subscription_rollback", "subscription:" + id, "to=" + r.toSeq()
                    + " re_added=" + r.added() + " retracted=" + r.retracted());
            return "Rolled subscription " + id + " back to sequence " + r.toSeq() + ": " + r.added() + " re-added, "
                    + r.retracted() + " retracted.";
        });
    }

    private void page(Context ctx, int status, Map<String, Object> extra) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SubscriptionDao.Subscription s : subscriptions.list()) {
            Map<String, Object> row = new HashMap<>();
            row.put("id", s.id());
            row.put("url", s.url());
            row.put("keyId", s.keyId());
            row.put("mode", subscriptions.bank(s).mode().wireName()); // the template compares it with string literals
            row.put("bank", subscriptions.bank(s).name());
            row.put("paused", s.paused());
            if (trust != null) row.put("trust", trust.forSubscription(s.id()));
            row.put("lastSync", s.lastSyncAt() == null ? null : s.lastSyncAt().toString());
            row.put("sequence", s.lastSeq());
            row.put("error", s.lastError());
            row.put("notice", subscriptions.lastNotice(s.id()));
            row.put("matched7d", subscriptions.matchedMedia(s, java.time.Instant.now().minus(java.time.Duration.ofDays(7))));
            List<Map<String, Object>> syncs = new ArrayList<>();
            for (SubscriptionDao.SyncRecord r : subscriptions.syncs(s.id(), SYNCS_SHOWN)) {
                Map<String, Object> x = new HashMap<>();
                x.put("kind", r.kind());
                x.put("from", r.fromSeq());
                x.put("to", r.toSeq());
                x.put("added", r.added());
                x.put("retracted", r.retracted());
                x.put("samples", samples(r.samples()));
                x.put("error", r.error());
                x.put("notice", r.notice());
                x.put("at", r.createdAt().toString());
                syncs.add(x);
            }
            row.put("syncs", syncs);
            List<Map<String, Object>> alerts = new ArrayList<>();
            for (SubscriptionDao.Alert a : subscriptions.alerts(s.id())) {
                alerts.add(Map.of("kind", a.kind(), "message", a.message(), "at", a.createdAt().toString()));
            }
            row.put("alerts", alerts);
            // the latest sync job: the page's progress bar follows it live
            syncJobs.latest(s.id()).ifPresent(j -> row.put("job", j.toJson()));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>(extra);
        model.put("subscriptions", rows);
        ctx.status(status);
        Page.render(ctx, "subscriptions.peb", model);
    }

    private List<String> samples(String stored) {
        List<String> out = new ArrayList<>();
        if (stored == null) return out;
        try {
            JsonNode n = json.readTree(stored);
            if (n != null && n.isArray()) n.forEach(v -> out.add(v.isTextual() ? v.asText() : v.toString()));
        } catch (IOException e) {
            // an unreadable sample list shows as none
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no subscription " + ctx.pathParam("id"));
        }
    }
}
