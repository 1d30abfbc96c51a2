package org.sightline.actions.builtin;

import org.sightline.actions.Action;
import org.sightline.actions.ActionContext;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ConfigField;
import org.sightline.actions.PluginMedia;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files a report on the instance ({@code POST /api/v1/reports}), which puts the post in the instance's own
 * moderation queue where its moderators delete it or mark it sensitive (Mastodon has no API to do either to
 * one status). Also used for {@code mark_sensitive}: the report asks for it. Pleroma/Akkoma accept the same call.
 */
public final class MastodonReportAction implements Action {
    private final java.net.http.HttpClient client = InstanceHttp.newClient();
    static final Set<String> LEGAL_LABELS = Set.of("csam", "ncii", "terrorism");

    @Override
    public String name() {
        return "mastodon_report";
    }

    @Override
    public Set<String> handles() {
        return Set.of("report", "mark_sensitive");
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of("mastodon", "pleroma");
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of(
                new ConfigField("forward", "forward reports about remote accounts to their instance", false, "false",
                        ConfigField.Type.BOOLEAN),
                new ConfigField("rule_ids", "comma-separated instance rule ids for 'violation' reports", false, ""));
    }

    @Override
    public List<String> checkSettings(Map<String, String> settings) {
        String rules = settings.getOrDefault("rule_ids", "");
        return rules.isBlank() || rules.matches("\\s*\\d+\\s*(,\\s*\\d+\\s*)*") ? List.of()
                : List.of("rule_ids must be numbers separated by commas, e.g. 1,4");
    }

    /** {@code legal} for csam/ncii/terrorism, {@code spam} for spam, else {@code violation}. */
    static String category(List<String> labels) {
        if (labels.stream().anyMatch(LEGAL_LABELS::contains)) return "legal";
        if (labels.contains("spam")) return "spam";
        return "violation";
    }

    /** Mastodon refuses report comments over 1000 characters. */
    static final int MAX_COMMENT = 1000;

    @Override
    public ActionOutcome execute(ActionContext c) {
        if (c.instance() == null || c.instance().apiToken() == null) return InstanceHttp.missingToken(c.instance());
        PluginMedia m = c.media();
        if (m.accountId() == null || m.statusId() == null) {
            return ActionOutcome.failed(null, "no account or status to report (media " + m.id() + ")");
        }
        String category = category(m.labels());
        List<Map.Entry<String, String>> form = new ArrayList<>();
        form.add(Map.entry("account_id", m.accountId()));
        form.add(Map.entry("status_ids[]", m.statusId()));
        form.add(Map.entry("comment", ReportComment.write(c, m.statusUrl(), MAX_COMMENT)));
        form.add(Map.entry("category", category));
        // the moderator's choice for this report, else the plugin's setting
        String forward = c.params().getOrDefault("forward", c.config().getOrDefault("forward", "false"));
        form.add(Map.entry("forward", String.valueOf(Boolean.parseBoolean(forward))));
        if (category.equals("violation")) {
            for (String rule : c.config().getOrDefault("rule_ids", "").split(",")) {
                if (!rule.isBlank()) form.add(Map.entry("rule_ids[]", rule.trim()));
            }
        }
        HttpRequest request = InstanceHttp.request(c.instance(), "/api/v1/reports")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(InstanceHttp.form(form))).build();
        InstanceHttp.Answer answer = InstanceHttp.send(client, request);
        ActionOutcome outcome = answer.outcome("report (" + category + ")");
        if (outcome.status() == ActionOutcome.Status.DONE) {
            String id = reportId(answer.body());
            return ActionOutcome.done(answer.status(), "report " + (id == null ? "filed" : id) + " (" + category + ")")
                    .withRemoteId(id);
        }
        return outcome;
    }

    private static String reportId(String body) {
        try {
            var node = InstanceHttp.JSON.readTree(body);
            return node != null && node.hasNonNull("id") ? node.get("id").asText() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
