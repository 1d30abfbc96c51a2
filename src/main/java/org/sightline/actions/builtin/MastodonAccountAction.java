package org.sightline.actions.builtin;

import org.sightline.actions.Action;
import org.sightline.actions.ActionContext;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ConfigField;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/admin/accounts/:id/action} ({@code sensitive}, {@code silence}, {@code suspend}). Only
 * ever requested by a moderator's choice (or a bank policy that explicitly allows it): automatic decisions
 * never produce {@code account_action} requests.
 * <p>{@code undo_account_action} (when a retraction withdraws what an automatic one stood on) reverses it:
 * {@code POST /api/v1/admin/accounts/:id/unsilence}, {@code /unsuspend} or {@code /unsensitive}.
 * <p>{@code notify} sends the account holder a message (an appeal's outcome, #16) as a {@code type=none} action:
 * a moderation warning without a restriction.
 */
public final class MastodonAccountAction implements Action {
    private final java.net.http.HttpClient client = InstanceHttp.newClient();
    static final Set<String> TYPES = Set.of("sensitive", "silence", "suspend");
    /** A message to the account holder without a restriction (an appeal's outcome): Mastodon's {@code type=none} warning. */
    public static final String NOTIFY = "notify";

    @Override
    public String name() {
        return "mastodon_account_action";
    }

    @Override
    public Set<String> handles() {
        return Set.of("account_action", "undo_account_action", NOTIFY);
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of("mastodon");
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of(new ConfigField("send_email_notification", "tell the account by email", false, "true",
                ConfigField.Type.BOOLEAN));
    }

    @Override
    public ActionOutcome execute(ActionContext c) {
        if (c.instance() == null || c.instance().apiToken() == null) return InstanceHttp.missingToken(c.instance());
        String type = c.action().equals(NOTIFY) ? "none" : c.params().get("type");
        if (!c.action().equals(NOTIFY) && (type == null || !TYPES.contains(type))) {
            return ActionOutcome.failed(null, "account action type must be sensitive, silence or suspend, got " + type);
        }
        String accountId = c.media().accountId();
        if (accountId == null) return ActionOutcome.failed(null, "no account known for media " + c.media().id());
        String account = "/api/v1/admin/accounts/" + URLEncoder.encode(accountId, StandardCharsets.UTF_8);
        if (c.action().equals("undo_account_action")) {
            HttpRequest undo = InstanceHttp.request(c.instance(), account + "/un" + type)
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            return InstanceHttp.send(client, undo).outcome("account un" + type);
        }
        List<Map.Entry<String, String>> form = new ArrayList<>();
        form.add(Map.entry("type", type));
        String reportId = c.params().getOrDefault("report_id", c.media().reportId());
        if (reportId != null && !c.action().equals(NOTIFY)) form.add(Map.entry("report_id", reportId));
        form.add(Map.entry("text", c.params().getOrDefault("text", "Sightline: " + type + " decided by " + c.requestedBy())));
        form.add(Map.entry("send_email_notification", c.config().getOrDefault("send_email_notification", "true")));
        HttpRequest request = InstanceHttp.request(c.instance(), account + "/action")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(InstanceHttp.form(form))).build();
        return InstanceHttp.send(client, request).outcome(c.action().equals(NOTIFY) ? "moderation warning" : "account " + type);
    }
}
