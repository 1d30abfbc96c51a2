package org.sightline.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sightline.TestServer;
import org.sightline.ingest.mastodon.WebhookSignature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Builds signed Mastodon webhook deliveries from the documented status fixture. */
public final class Webhooks {
    public static final String SECRET = "e2e-webhook-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {
    }

    public static byte[] resource(String name) {
        try (InputStream in = Webhooks.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A status.created (or .updated) for a status with one image at {@code url}. */
    public static byte[] status(String event, String statusId, String attachmentId, String url) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(resource("/mastodon/status.created.SYNTHESIZED.body.json"));
            root.put("event", event);
            ObjectNode status = (ObjectNode) root.get("object");
            status.put("id", statusId);
            status.put("url", "https://mastodon.example/@user/" + statusId);
            ArrayNode media = (ArrayNode) status.get("media_attachments");
            ObjectNode attachment = (ObjectNode) media.get(0);
            attachment.put("id", attachmentId);
            attachment.put("url", url);
            attachment.put("preview_url", url);
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documented report.created, its one reported status carrying one image at {@code url}. */
    public static byte[] report(String reportId, String statusId, String attachmentId, String url) {
        return report(reportId, null, statusId, attachmentId, url);
    }

    /** As {@link #report(String, String, String, String)}, filed by the account {@code reporterId} (null: the fixture's). */
    public static byte[] report(String reportId, String reporterId, String statusId, String attachmentId, String url) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(resource("/mastodon/report.created.docs-example.json"));
            ObjectNode report = (ObjectNode) root.get("object");
            report.put("id", reportId);
            if (reporterId != null) ((ObjectNode) report.get("account")).put("id", reporterId);
            report.put("comment", "please look at this");
            ObjectNode status = (ObjectNode) ((ArrayNode) report.get("statuses")).get(0);
            status.put("id", statusId);
            ArrayNode media = JSON.createArrayNode();
            ObjectNode attachment = media.addObject();
            attachment.put("id", attachmentId);
            attachment.put("type", "image");
            attachment.put("url", url);
            attachment.put("preview_url", url);
            status.set("media_attachments", media);
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer.Response post(TestServer server, String instance, byte[] body, String secret) {
        return server.sendBytes("POST", "/hooks/mastodon/" + instance, "application/json", body,
                WebhookSignature.HEADER, WebhookSignature.sign(secret, body));
    }
}
