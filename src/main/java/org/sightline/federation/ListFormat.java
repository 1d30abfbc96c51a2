package org.sightline.federation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The documents of a signed hash list (hashlists/FORMAT.md): writing them in canonical form (keys in
 * lexicographic order, no whitespace, UTF-8, absent values omitted) and reading them back. Signatures are over
 * the exact bytes; readers never re-serialise before verifying.
 */
public final class ListFormat {
    public static final String FORMAT = "sightline-hashlist/1";
    public static final String SIGNATURE_HEADER = "Sightline-Signature";
    public static final String KEY_ID_HEADER = "Sightline-Key-Id";
    public static final String SEQUENCE_HEADER = "Sightline-Sequence";
    public static final String ADD = "add";
    public static final String RETRACT = "retract";

    private static final JsonFactory FACTORY = new JsonFactory();
    private final ObjectMapper reader = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The list's identity, repeated in every snapshot and page. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Header(@JsonProperty("id") String id, @JsonProperty("name") String name,
                         @JsonProperty("description") String description,
                         @JsonProperty("publisher") String publisher, @JsonProperty("key_id") String keyId) {
    }

    /**
     * One change of the log. In a snapshot every item is an active {@code add} ({@code op} omitted); a
     * {@code retract} names the sequence of the add it retracts in {@code ref} and repeats its signal.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Change(@JsonProperty("seq") long seq, @JsonProperty("op") String op,
                         @JsonProperty("signal_type") String signalType, @JsonProperty("value") String value,
                         @JsonProperty("labels") List<String> labels, @JsonProperty("note") String note,
                         @JsonProperty("time") String time, @JsonProperty("ref") Long ref) {
    }

    /** A snapshot ({@code entries}) or a page of changes ({@code changes}), as read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Document(@JsonProperty("format") String format, @JsonProperty("type") String type,
                           @JsonProperty("list") Header list, @JsonProperty("sequence") Long sequence,
                           @JsonProperty("since") Long since, @JsonProperty("latest") Long latest,
                           @JsonProperty("next") String next, @JsonProperty("entries") List<Change> entries,
                           @JsonProperty("changes") List<Change> changes) {
        public boolean snapshot() {
            return "snapshot".equals(type);
        }
    }

    /** A key rotation statement, signed by the old key. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rotation(@JsonProperty("format") String format, @JsonProperty("type") String type,
                           @JsonProperty("old_key_id") String oldKeyId, @JsonProperty("new_key_id") String newKeyId,
                           @JsonProperty("new_public_key") String newPublicKey, @JsonProperty("time") String time) {
    }

    /** A rotation statement as carried in a key document: its exact bytes and the old key's signature. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SignedRotation(@JsonProperty("statement") String statementBase64,
                                 @JsonProperty("signature") String signature) {
    }

    /** {@code GET /lists/{name}/key}, and the public key file {@code keygen} writes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KeyDocument(@JsonProperty("algorithm") String algorithm, @JsonProperty("key_id") String keyId,
                              @JsonProperty("public_key") String publicKey,
                              @JsonProperty("rotations") List<SignedRotation> rotations) {
    }

    /** What a document's outline says before it is read: snapshot or changes, and how many of them it holds. */
    public record Outline(boolean snapshot, long count) {
    }

    /**
     * Counts a document's entries (snapshot) or changes (page) with the streaming parser, building nothing: a
     * document holding more than a subscriber takes is refused before it costs memory.
     */
    public Outline outline(byte[] bytes) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new FormatException("not a list document");
            boolean snapshot = false;
            long count = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ((field.equals("entries") || field.equals("changes"))
                        && value == JsonToken.START_ARRAY) {
                    snapshot |= field.equals("entries");
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        count++;
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
            return new Outline(snapshot, count);
        } catch (IOException e) {
            throw new FormatException("not a list document: " + e.getClass().getSimpleName());
        }
    }

    public Document readDocument(byte[] bytes) {
        try {
            Document d = reader.readValue(bytes, Document.class);
            if (d == null) throw new FormatException("empty document");
            if (!FORMAT.equals(d.format())) throw new FormatException("unknown format '" + d.format() + "'");
            if (d.list() == null || d.sequence() == null) throw new FormatException("document lacks 'list' or 'sequence'");
            if (!d.snapshot() && !"changes".equals(d.type())) throw new FormatException("unknown document type '" + d.type() + "'");
            if (d.snapshot() ? d.entries() == null : d.changes() == null || d.since() == null) {
                throw new FormatException("a " + d.type() + " document lacks its " + (d.snapshot() ? "entries" : "changes or since"));
            }
            return d;
        } catch (IOException e) {
            throw new FormatException("not a list document: " + e.getClass().getSimpleName());
        }
    }

    public Rotation readRotation(byte[] bytes) {
        try {
            Rotation r = reader.readValue(bytes, Rotation.class);
            if (r == null || !"key_rotation".equals(r.type()) || r.oldKeyId() == null || r.newPublicKey() == null) {
                throw new FormatException("not a key rotation statement");
            }
            return r;
        } catch (IOException e) {
            throw new FormatException("not a key rotation statement: " + e.getClass().getSimpleName());
        }
    }

    public KeyDocument readKey(byte[] bytes) {
        try {
            KeyDocument k = reader.readValue(bytes, KeyDocument.class);
            if (k == null || !"ed25519".equals(k.algorithm()) || k.publicKey() == null) {
                throw new FormatException("not an ed25519 key document");
            }
            PublicKey key = PublicKey.fromBase64(k.publicKey());
            if (k.keyId() != null && !k.keyId().equals(key.keyId())) {
                throw new FormatException("key document's key_id does not match its public key");
            }
            return k;
        } catch (IOException | IllegalArgumentException e) {
            throw new FormatException("not a key document: " + e.getMessage());
        }
    }

    /** A document that is not what the format says. */
    public static final class FormatException extends RuntimeException {
        public FormatException(String message) {
            super(message);
        }
    }

    // ---- writing, canonical form: fields written in lexicographic order by hand ----

    public static byte[] snapshot(Header h, long sequence, Iterable<Change> entries) {
        return write(g -> {
            g.writeArrayFieldStart("entries");
            for (Change c : entries) writeChange(g, c, false);
            g.writeEndArray();
            g.writeStringField("format", FORMAT);
            writeHeader(g, h);
            g.writeNumberField("sequence", sequence);
            g.writeStringField("type", "snapshot");
        });
    }

    /** A page of changes after {@code since}; {@code sequence} is the last change's (or {@code since}). */
    public static byte[] changes(Header h, long since, long sequence, long latest, String next, List<Change> changes) {
        return write(g -> {
            g.writeArrayFieldStart("changes");
            for (Change c : changes) writeChange(g, c, true);
            g.writeEndArray();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("latest", latest);
            writeHeader(g, h);
            if (next != null) g.writeStringField("next", next);
            g.writeNumberField("sequence", sequence);
            g.writeNumberField("since", since);
            g.writeStringField("type", "changes");
        });
    }

    public static byte[] rotation(String oldKeyId, PublicKey newKey, String time) {
        return write(g -> {
            g.writeStringField("format", FORMAT);
            g.writeStringField("new_key_id", newKey.keyId());
            g.writeStringField("new_public_key", newKey.base64());
            g.writeStringField("old_key_id", oldKeyId);
            g.writeStringField("time", time);
            g.writeStringField("type", "key_rotation");
        });
    }

    /** A subscriber's opinion on one entry (§ 8), signed by the subscriber's key. */
    public static byte[] feedback(String listId, long entrySeq, String opinion, PublicKey subscriberKey, String reason,
                                  String time) {
        return write(g -> {
            g.writeNumberField("entry", entrySeq);
            g.writeStringField("format", FORMAT);
            g.writeStringField("list", listId);
            g.writeStringField("opinion", opinion);
            g.writeStringField("public_key", subscriberKey.base64());
            if (reason != null && !reason.isEmpty()) g.writeStringField("reason", reason);
            g.writeStringField("time", time);
            g.writeStringField("type", "feedback");
        });
    }

    public static byte[] keyDocument(PublicKey key, List<SignedRotation> rotations) {
        return write(g -> {
            g.writeStringField("algorithm", "ed25519");
            g.writeStringField("key_id", key.keyId());
            g.writeStringField("public_key", key.base64());
            if (rotations != null) {
                g.writeArrayFieldStart("rotations");
                for (SignedRotation r : rotations) {
                    g.writeStartObject();
                    g.writeStringField("signature", r.signature());
                    g.writeStringField("statement", r.statementBase64());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        });
    }

    private static void writeHeader(JsonGenerator g, Header h) throws IOException {
        g.writeObjectFieldStart("list");
        if (h.description() != null) g.writeStringField("description", h.description());
        g.writeStringField("id", h.id());
        g.writeStringField("key_id", h.keyId());
        g.writeStringField("name", h.name());
        if (h.publisher() != null) g.writeStringField("publisher", h.publisher());
        g.writeEndObject();
    }

    private static void writeChange(JsonGenerator g, Change c, boolean withOp) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("labels");
        for (String l : c.labels() == null ? List.<String>of() : c.labels()) g.writeString(l);
        g.writeEndArray();
        if (c.note() != null) g.writeStringField("note", c.note());
        if (withOp) g.writeStringField("op", c.op());
        if (c.ref() != null) g.writeNumberField("ref", c.ref());
        g.writeNumberField("seq", c.seq());
        g.writeStringField("signal_type", c.signalType());
        g.writeStringField("time", c.time());
        g.writeStringField("value", c.value());
        g.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
