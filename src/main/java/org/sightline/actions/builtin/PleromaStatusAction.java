package org.sightline.actions.builtin;

import org.sightline.actions.Action;
import org.sightline.actions.ActionContext;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ConfigField;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pleroma/Akkoma admin status moderation: {@code PUT /api/v1/pleroma/admin/statuses/:id} with
 * {@code sensitive=true} for {@code mark_sensitive} ({@code sensitive=false} for {@code undo_mark_sensitive}),
 * {@code DELETE} of the same path for {@code delete}.
 * (Reports go through {@link MastodonReportAction}, which Pleroma accepts.)
 */
public final class PleromaStatusAction implements Action {
    private final java.net.http.HttpClient client = InstanceHttp.newClient();

    @Override
    public String name() {
        return "pleroma_status";
    }

    @Override
    public Set<String> handles() {
        return Set.of("mark_sensitive", "undo_mark_sensitive", "delete");
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of("pleroma");
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of();
    }

    @Override
    public ActionOutcome execute(ActionContext c) {
        if (c.instance() == null || c.instance().apiToken() == null) return InstanceHttp.missingToken(c.instance());
        String statusId = c.media().statusId();
        if (statusId == null) return ActionOutcome.failed(null, "no status known for media " + c.media().id());
        HttpRequest.Builder b = InstanceHttp.request(c.instance(),
                "/api/v1/pleroma/admin/statuses/" + URLEncoder.encode(statusId, StandardCharsets.UTF_8));
        HttpRequest request = c.action().equals("delete") ? b.DELETE().build()
                : InstanceHttp.json(b, "PUT", Map.of("sensitive", c.action().equals("mark_sensitive")));
        return InstanceHttp.send(client, request).outcome("pleroma " + c.action());
    }
}
