package org.sightline.ingest.mastodon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Mastodon payloads copied from shared/fixtures/mastodon into the test resources (see mastodon/NOTICE). */
final class MastodonFixtures {
    static final String SECRET = "fixture-webhook-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    private MastodonFixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = MastodonFixtures.class.getResourceAsStream("/mastodon/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource mastodon/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] statusCreatedBody() {
        return bytes("status.created.SYNTHESIZED.body.json");
    }

    /** The X-Hub-Signature value recorded beside the synthesized body. */
    static String statusCreatedSignature() {
        String headers = new String(bytes("status.created.SYNTHESIZED.headers.txt"), StandardCharsets.UTF_8);
        return headers.lines()
                .filter(l -> l.startsWith("X-Hub-Signature:"))
                .map(l -> l.substring("X-Hub-Signature:".length()).trim())
                .findFirst().orElseThrow();
    }

    static ObjectNode tree(String name) {
        try {
            return (ObjectNode) JSON.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A webhook envelope {@code {event, created_at, object}} around {@code object}. */
    static byte[] envelope(String event, Object object) {
        ObjectNode root = JSON.createObjectNode();
        root.put("event", event);
        root.put("created_at", "2024-05-01T10:00:00.000Z");
        root.set("object", JSON.valueToTree(object));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
