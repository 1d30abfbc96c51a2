package org.sightline.federation;

import org.sightline.access.Access;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.web.HttpRefusals;
import org.sightline.web.Page;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The moderators' {@code /sharing} page: approve or reject proposals to share a confirmed case's hash, and see what
 * subscribers think of the entries this instance publishes (retracting one is the banks page's retraction).
 */
public final class SharePanelRoutes {
    private final ShareService shares;
    private final PublishService lists;
    private final ListFeedback feedback;
    private final BankService banks;

    private SharePanelRoutes(ShareService shares, PublishService lists, ListFeedback feedback, BankService banks) {
        this.banks = banks;
        this.shares = shares;
        this.lists = lists;
        this.feedback = feedback;
    }

    public static void register(RoutesConfig routes, ShareService shares, PublishService lists, ListFeedback feedback,
                                BankService banks) {
        SharePanelRoutes r = new SharePanelRoutes(shares, lists, feedback, banks);
        routes.get("/sharing", ctx -> r.page(ctx, 200, Map.of()), Access.panel(Role.MODERATOR));
        routes.post("/sharing/{id}/approve", r::approve, Access.panel(Role.MODERATOR));
        routes.post("/sharing/{id}/reject", r::reject, Access.panel(Role.MODERATOR));
    }

    private void page(Context ctx, int status, Map<String, Object> extra) {
        User me = Access.requireSession(ctx).user();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ShareService.Proposal p : shares.pending()) {
            ShareDao.ShareRequest r = p.request();
            Map<String, Object> row = new HashMap<>();
            row.put("id", r.id());
            row.put("mediaId", r.mediaId());
            row.put("caseId", r.caseId());
            row.put("hasPreview", r.hasPreview());
            row.put("pdq", r.pdq());
            row.put("labels", String.join(", ", p.labels()));
            row.put("proposer", r.requestedBy());
            row.put("at", r.createdAt().toString());
            row.put("approvers", String.join(", ", p.approvers()));
            row.put("mayApprove", !me.name().equals(r.requestedBy()) && !p.approvers().contains(me.name()));
            rows.add(row);
        }
        Map<String, Object> model = new HashMap<>(extra);
        model.put("proposals", rows);
        // per published list: where it stands, and the entries subscribers called false positive or disputed
        List<Map<String, Object>> published = new ArrayList<>();
        for (ListDao.PublishedList l : lists.list()) {
            Map<String, Object> pl = new HashMap<>();
            pl.put("name", l.name());
            pl.put("bank", banks.cached(l.bankId()).map(org.sightline.banks.Bank::name).orElse(null));
            pl.put("entries", feedback.counts(l.name()));
            pl.put("seq", l.lastSeq());
            pl.put("restricted", l.restricted());
            pl.put("overview", lists.overview(l.id()));
            published.add(pl);
        }
        model.put("published", published);
        model.put("needed", shares.approvalsNeeded());
        try {
            model.put("bank", shares.targetBank().name());
        } catch (Refusal e) {
            model.put("bankError", e.getMessage());
        }
        ctx.status(status);
        Page.render(ctx, "sharing.peb", model);
    }

    private void approve(Context ctx) {
        User me = Access.requireSession(ctx).user();
        try {
            ShareService.Approved a = shares.approve(id(ctx), me);
            page(ctx, 200, Map.of("message", a.entry() != null
                    ? "Approved: the hash is in bank " + a.bank().name() + " (entry " + a.entry().id() + ") and published."
                    : "Approved; " + a.missing() + " more approval(s) needed before it is published."));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private void reject(Context ctx) {
        try {
            shares.reject(id(ctx), Access.requireSession(ctx).user(), ctx.formParam("reason"));
            page(ctx, 200, Map.of("message", "Rejected: the hash will not be shared."));
        } catch (Refusal e) {
            page(ctx, HttpRefusals.status(e), Map.of("error", e.getMessage()));
        }
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no share request " + ctx.pathParam("id"));
        }
    }
}
