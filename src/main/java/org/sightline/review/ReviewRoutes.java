package org.sightline.review;

import org.sightline.banks.BankKind;
import org.sightline.access.Access;
import org.sightline.common.Refusal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.banks.Labels;
import org.sightline.ingest.MatchRecord;
import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.MediaRecord;
import org.sightline.access.Scope;
import org.sightline.access.PanelSession;
import org.sightline.access.Role;
import org.sightline.web.Page;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The queue, the case page, the preview and the audited reveal, and the three decisions. */
public final class ReviewRoutes {
    private final ReviewService review;
    private final BankService banks;
    private final AuditLog audit;
    private final Jdbi jdbi;
    private final MediaCatalog media;
    private final Clock clock;
    private final AccountHistories histories;
    private final int historyDays;
    private CaseStatements statements = mediaId -> List.of();

    private ReviewRoutes(ReviewService review, BankService banks, AuditLog audit, Jdbi jdbi, Clock clock, int historyDays) {
        this.historyDays = historyDays;
        this.review = review;
        this.banks = banks;
        this.audit = audit;
        this.jdbi = jdbi;
        this.media = new MediaCatalog(jdbi);
        this.clock = clock;
        this.histories = new AccountHistories(jdbi);
    }

    /**
     * What a later stage shows on the case page (the statements of reasons and their appeals, #16): rows for the
     * included template {@code case_dsa.peb}. Declared here, implemented downstream, wired in the composition root.
     */
    public interface CaseStatements {
        List<Map<String, Object>> forMedia(long mediaId);
    }

    /** {@code historyDays}: how far back an account's history reaches ({@code risk.history_days}). */
    public static void register(RoutesConfig routes, ReviewService review, BankService banks,
                                AuditLog audit, Jdbi jdbi, Clock clock, int historyDays) {
        register(routes, review, banks, audit, jdbi, clock, historyDays, mediaId -> List.of());
    }

    public static void register(RoutesConfig routes, ReviewService review, BankService banks,
                                AuditLog audit, Jdbi jdbi, Clock clock, int historyDays, CaseStatements statements) {
        ReviewRoutes r = new ReviewRoutes(review, banks, audit, jdbi, clock, historyDays);
        r.statements = statements;
        routes.get("/queue", r::queue, Access.panel(Role.VIEWER));
        routes.get("/cases/next", r::next, Access.panel(Role.VIEWER));
        routes.get("/cases/{id}", r::casePage, Access.panel(Role.VIEWER));
        routes.post("/cases/{id}/confirm", r::confirm, Access.panel(Role.MODERATOR));
        routes.post("/cases/{id}/dismiss", r::dismiss, Access.panel(Role.MODERATOR));
        routes.post("/cases/{id}/escalate", r::escalate, Access.panel(Role.MODERATOR));
        routes.post("/cases/{id}/undo", r::undo, Access.panel(Role.MODERATOR));
        routes.post("/cases/{id}/retry", r::retry, Access.panel(Role.MODERATOR));
        routes.get("/media/{id}/preview", r::preview, Access.panel(Role.VIEWER));
        routes.get("/api/v1/accounts/{instance}/{account}/history", r::accountHistory, Access.token(Scope.ADMIN));
        routes.post("/media/{id}/reveal", r::reveal, Access.panel(Role.MODERATOR));
        routes.get("/media/{id}/sheet/{frame}/preview", r::sheetPreview, Access.panel(Role.VIEWER));
        routes.post("/media/{id}/sheet/{frame}/reveal", r::sheetReveal, Access.panel(Role.MODERATOR));
    }

    private ReviewService.Filter filter(Context ctx) {
        return new ReviewService.Filter(q(ctx, "instance"), q(ctx, "outcome"), q(ctx, "bank"), q(ctx, "label"),
                CaseState.ESCALATED.wireName().equals(ctx.queryParam("state")));
    }

    private void queue(Context ctx) {
        ReviewService.Filter f = filter(ctx);
        long me = Access.requireSession(ctx).user().id();
        Instant now = clock.instant();
        List<QueueRow> rows = new ArrayList<>();
        for (ReviewCase c : review.queue(f, 200)) {
            rows.add(new QueueRow(c, c.claimedByOther(me, now), c.claimedBy() != null && c.claimedBy() == me
                    && c.claimedUntil() != null && c.claimedUntil().isAfter(now)));
        }
        Map<String, Object> m = new HashMap<>();
        m.put("rows", rows);
        m.put("filter", f);
        m.put("labels", Labels.TAXONOMY);
        m.put("banks", banks.list());
        putNotice(ctx, m);
        Page.render(ctx, "queue.peb", m);
    }

    /** A queue line: the case and how its claim stands for the viewer. */
    public record QueueRow(ReviewCase c, boolean claimedByOther, boolean mine) {
    }

    /** The first case of the queue that nobody else holds: the keyboard flow goes from case to case. */
    private void next(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        Instant now = clock.instant();
        ReviewService.Filter f = filter(ctx);
        // the decision just made is announced on whatever page comes next
        String done = ctx.queryParam("done");
        String carry = done != null && done.matches("\\d{1,18}") ? "done=" + done : "";
        for (ReviewCase c : review.queue(f, 200)) {
            if (!c.claimedByOther(s.user().id(), now)) {
                ctx.redirect("/cases/" + c.id() + (carry.isEmpty() ? "" : "?" + carry));
                return;
            }
        }
        ctx.redirect("/queue?empty=1" + (carry.isEmpty() ? "" : "&" + carry));
    }

    private void casePage(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        long id = id(ctx);
        ReviewCase c = review.open(id, s.user());
        List<MatchRecord> matches = media.matches(c.mediaId());
        List<Map<String, Object>> evidence = new ArrayList<>();
        for (MatchRecord mr : matches) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("match", mr);
            e.put("allow", banks.cached(mr.bankId()).map(Bank::allow).orElse(false));
            Optional<BankEntry> entry = banks.entry(mr.entryId());
            e.put("entry", entry.orElse(null));
            e.put("provenance", entry.map(ReviewRoutes::provenance).orElse("entry no longer stored"));
            review.referenceOf(mr.entryId()).filter(ref -> ref != c.mediaId()).ifPresent(ref -> e.put("reference", ref));
            evidence.add(e);
        }
        Map<String, Object> m = new HashMap<>();
        m.put("c", c);
        m.put("evidence", evidence);
        m.put("actions", review.actions(c.mediaId()));
        m.put("classifications", media.classifications(c.mediaId()));
        m.put("risk", media.risk(c.mediaId()).orElse(null));
        MediaRecord source = media.find(c.mediaId()).orElse(null);
        if (source != null && source.source().instanceId() != null && source.source().accountId() != null) {
            // the case's own media is left out of the counts as of the list: "earlier" cases only
            m.put("accountHistory", histories.history(source.source().instanceId(), source.source().accountId(),
                    c.mediaId(), clock.instant(), historyDays));
        }
        m.put("markedSensitive", media.markedSensitive(c.mediaId()));
        m.put("postContext", media.post(c.mediaId()).orElse(null));
        m.put("tokenWarning", review.tokenWarning(c).orElse(null));
        org.sightline.ingest.FileMetadata file = media.fileMetadata(c.mediaId());
        m.put("fileMetadata", file.isEmpty() ? null : file);
        m.put("suggestedAction", review.suggestedAction(c.id()).orElse(null));
        m.put("notes", jdbi.onDemand(CaseDao.class).notes(id));
        List<Object> history = new ArrayList<>(audit.search("", "", "case:" + id, Long.MAX_VALUE, 100));
        history.addAll(audit.search("", "", "media:" + c.mediaId(), Long.MAX_VALUE, 100));
        m.put("history", history);
        m.put("canDecide", review.mayDecide(s.user(), c) && !c.claimedByOther(s.user().id(), clock.instant()));
        m.put("claimedByOther", c.claimedByOther(s.user().id(), clock.instant()));
        m.put("labels", Labels.TAXONOMY);
        List<Bank> local = new ArrayList<>(), allow = new ArrayList<>();
        for (Bank b : banks.list()) {
            if (b.allow()) allow.add(b);
            else if (b.kind() == BankKind.LOCAL) local.add(b);
        }
        m.put("localBanks", local);
        m.put("allowBanks", allow);
        // the dismiss form offers an opinion only when a match rests on a list's or an exchange's entry
        List<EntryFeedback.Target> targets = review.feedbackTargets(c);
        m.put("feedbackTargets", targets);
        m.put("feedbackAccepted", targets.stream().anyMatch(EntryFeedback.Target::accepts));
        List<ReviewService.Choice> choices = review.choices(c);
        m.put("actionChoices", choices.stream().filter(x -> x.unavailable() == null).toList());
        m.put("unavailableChoices", choices.stream().filter(x -> x.unavailable() != null).toList());
        m.put("claimMinutes", review.claimFor().toMinutes());
        m.put("instanceHost", review.instanceHost(c.id()).orElse(null));
        m.put("remoteAuthor", ReviewService.remoteDomain(c).orElse(null));
        putNotice(ctx, m);
        m.put("statements", statements.forMedia(c.mediaId()));
        m.put("sheet", ContactSheetView.of(media, c.mediaId(), matches, banks::entry));
        media.video(c.mediaId()).ifPresent(v -> m.put("videoFacts", org.sightline.matching.Vpdq.parse(v.vpdq()).size()
                + " vPDQ frames" + (v.durationS() == null ? "" : " over " + MatchRecord.time(v.durationS()))
                + " · video_md5 " + v.videoMd5()));
        Page.render(ctx, "case.peb", m);
    }

    /** {@code GET /api/v1/accounts/{instance}/{account}/history}: the account's cases in the history window. */
    private void accountHistory(Context ctx) {
        String instance = ctx.pathParam("instance");
        long instanceId = histories.instanceId(instance)
                .orElseThrow(() -> Refusal.notFound("no instance " + instance));
        ctx.json(histories.history(instanceId, ctx.pathParam("account"), -1, clock.instant(), historyDays).toJson());
    }

    private static String provenance(BankEntry e) {
        if (e.sourceList() == null) return "local, added by " + e.addedBy();
        return "list " + e.sourceList() + (e.sourceSeq() == null ? "" : " #" + e.sourceSeq()) + ", published by " + e.addedBy();
    }

    private void confirm(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        long id = id(ctx);
        List<String> actions = new ArrayList<>(ctx.formParams("action"));
        if (ctx.formParam("share") != null && !actions.contains("share")) actions.add("share");
        review.confirm(id, s.user(), new ReviewService.Confirm(ctx.formParams("label"), ctx.formParam("bank"),
                actions, ctx.formParam("note"), "true".equals(ctx.formParam("forward"))));
        ctx.redirect("/cases/next?done=" + id);
    }

    private void dismiss(Context ctx) {
        long id = id(ctx);
        review.dismiss(id, Access.requireSession(ctx).user(), ctx.formParam("reason"), ctx.formParam("allow_bank"),
                ctx.formParam("entry_opinion"));
        ctx.redirect("/cases/next?done=" + id);
    }

    private void escalate(Context ctx) {
        long id = id(ctx);
        review.escalate(id, Access.requireSession(ctx).user(), ctx.formParam("reason"));
        ctx.redirect("/cases/next?done=" + id);
    }

    /** Undoes the decision inside its window; the case opens again, with the notice saying so. */
    private void undo(Context ctx) {
        long id = id(ctx);
        review.undo(id, Access.requireSession(ctx).user());
        ctx.redirect("/cases/" + id + "?done=" + id);
    }

    /** One more attempt at a failed action, from the case page. */
    private void retry(Context ctx) {
        long id = id(ctx);
        review.retry(id, Access.requireSession(ctx).user(), ctx.formParam("action"));
        ctx.redirect("/cases/" + id);
    }

    /** The notice of the decision named by {@code ?done=}, for the page after a decision. */
    private void putNotice(Context ctx, Map<String, Object> m) {
        String done = ctx.queryParam("done");
        if (done == null || !done.matches("\\d{1,18}")) return;
        review.notice(Long.parseLong(done), Access.requireSession(ctx).user()).ifPresent(n -> m.put("notice", n));
    }

    /**
     * The pictures of media are shown only for media that belong to a case (which every panel user may see):
     * not for any id one may guess.
     */
    private void requireCase(long mediaId) {
        if (jdbi.onDemand(CaseDao.class).forMedia(mediaId).isEmpty()) {
            throw Refusal.notFound("media " + mediaId + " belongs to no case");
        }
    }

    private void preview(Context ctx) {
        requireCase(id(ctx));
        byte[] bytes = media.preview(id(ctx)).orElse(null);
        if (bytes == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no preview for this media");
            return;
        }
        ctx.header("Cache-Control", "private, max-age=300").contentType("image/jpeg").result(bytes);
    }

    /** Writes the audit event first: nobody sees the unblurred image without the log saying so. */
    private void reveal(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        long id = id(ctx);
        requireCase(id);
        byte[] bytes = media.reveal(id).orElse(null);
        if (bytes == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no stored image for this media");
            return;
        }
        String caseRef = jdbi.onDemand(CaseDao.class).forMedia(id).map(c -> "case=" + c.id()).orElse("");
        audit.append(s.user().name(), "reveal", "media:" + id, caseRef);
        ctx.header("Cache-Control", "no-store").contentType("image/jpeg").result(bytes);
    }

    /** One frame of a video's contact sheet, blurred and greyscale like an image preview. */
    private void sheetPreview(Context ctx) {
        long id = id(ctx);
        requireCase(id);
        byte[] bytes = media.sheetFrame(id, frame(ctx), false).orElse(null);
        if (bytes == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no such frame of this media");
            return;
        }
        ctx.header("Cache-Control", "private, max-age=300").contentType("image/jpeg").result(bytes);
    }

    /** One contact-sheet frame in colour, logged first like {@link #reveal}. */
    private void sheetReveal(Context ctx) {
        PanelSession s = Access.requireSession(ctx);
        long id = id(ctx);
        requireCase(id);
        int frame = frame(ctx);
        byte[] bytes = media.sheetFrame(id, frame, true).orElse(null);
        if (bytes == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no such frame of this media");
            return;
        }
        String caseRef = jdbi.onDemand(CaseDao.class).forMedia(id).map(c -> "case=" + c.id() + " ").orElse("");
        audit.append(s.user().name(), "reveal", "media:" + id, caseRef + "frame=" + frame);
        ctx.header("Cache-Control", "no-store").contentType("image/jpeg").result(bytes);
    }

    private static int frame(Context ctx) {
        String f = ctx.pathParam("frame");
        if (!f.matches("\\d{1,2}")) throw Refusal.notFound("no such frame");
        return Integer.parseInt(f);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no such item");
        }
    }

    private static String q(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.trim();
    }
}
