package org.sightline.instances;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connected server. {@code webhookSecret} and {@code apiToken} are sealed ({@link org.sightline.config.SecretBox}):
 * open them through {@link InstanceService}, never show them.
 */
public record Instance(long id, String name, InstanceKind kind, String baseUrl, String webhookSecret, String apiToken,
                       String failMode, int timeBudgetMs, Instant createdAt, Watch watch) {

    public static final String FAIL_OPEN = "open";
    public static final String FAIL_CLOSED = "closed";

    public boolean failsOpen() {
        return !FAIL_CLOSED.equals(failMode);
    }

    /** Whether Sightline can follow this instance's public timelines (the Mastodon client API and its streaming). */
    public boolean followable() {
        return kind.followable();
    }

    /** This instance with {@code watch} instead of its own. */
    public Instance withWatch(Watch watch) {
        return new Instance(id, name, kind, baseUrl, webhookSecret, apiToken, failMode, timeBudgetMs, createdAt, watch);
    }

    /** The path this instance's events are sent to, or null for kinds that Sightline polls instead. */
    public String webhookPath() {
        return switch (kind) {
            case MASTODON -> "/hooks/mastodon/" + name;
            case PICTRS -> "/hooks/pictrs/" + name;
            default -> null;
        };
    }

    /** The API view: what is configured, never the secrets themselves. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("kind", kind);
        json.put("url", baseUrl);
        json.put("has_webhook_secret", webhookSecret != null);
        json.put("has_token", apiToken != null);
        json.put("fail_mode", failMode);
        json.put("time_budget_ms", timeBudgetMs);
        json.put("created_at", createdAt.toString());
        json.put("watch", watch);
        return json;
    }
}
