package org.sightline.actions.builtin;

import org.sightline.actions.Action;
import org.sightline.actions.ActionContext;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ConfigField;
import org.sightline.actions.PluginMedia;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POSTs a JSON description of the decision to a configured URL, signed with HMAC-SHA256 over the exact body
 * in {@code X-Sightline-Signature: sha256=<hex>}: for any platform Sightline has no plugin for. It handles
 * every action for any instance kind, after the platform-specific plugins.
 */
public final class WebhookAction implements Action {
    public static final String SIGNATURE_HEADER = "X-Sightline-Signature";
    private final java.net.http.HttpClient client = InstanceHttp.newClient();

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public Set<String> handles() {
        return Set.of("report", "mark_sensitive", "delete", "reject", "account_action", "webhook");
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of();
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of(new ConfigField("url", "where decisions are POSTed", false, null, ConfigField.Type.URL),
                new ConfigField("secret", "HMAC-SHA256 key for the signature header", true, null));
    }

    @Override
    public boolean enabled(Map<String, String> config) {
        return config.get("url") != null && config.get("secret") != null;
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public ActionOutcome execute(ActionContext c) throws Exception {
        PluginMedia m = c.media();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("event", "sightline.decision");
        doc.put("request_id", c.requestId());
        doc.put("action", c.action());
        doc.put("params", c.params());
        doc.put("requested_by", c.requestedBy());
        doc.put("instance", c.instance() == null ? null : Map.of("name", c.instance().name(), "kind", c.instance().kind(),
                "url", c.instance().baseUrl()));
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("id", m.id());
        media.put("status_id", m.statusId());
        media.put("status_url", m.statusUrl());
        media.put("account_id", m.accountId());
        media.put("acct", m.acct());
        media.put("pdq", m.pdq());
        media.put("md5", m.md5());
        media.put("sha256", m.sha256());
        media.put("decision", m.decision());
        doc.put("media", media);
        List<Map<String, Object>> matches = new ArrayList<>();
        for (PluginMedia.Evidence e : m.evidence()) {
            matches.add(Map.of("bank", e.bank(), "labels", e.labels(), "signal_type", e.signalType(),
                    "distance", e.distance()));
        }
        doc.put("matches", matches);
        byte[] body = InstanceHttp.JSON.writeValueAsBytes(doc);
        HttpRequest request = HttpRequest.newBuilder(URI.create(c.config().get("url"))).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, sign(c.config().get("secret"), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return InstanceHttp.send(client, request).outcome("webhook");
    }
}
