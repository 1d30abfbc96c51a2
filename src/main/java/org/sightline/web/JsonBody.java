package org.sightline.web;

import org.sightline.common.Refusal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import java.io.IOException;

/**
 * Reads a request's JSON body, turning every failure into a 400 with a one-line reason, or a 413 when the body
 * or one of its values is over the mapper's limits (set once in the composition root).
 */
public final class JsonBody {
    private JsonBody() {
    }

    public static JsonNode read(Context ctx, ObjectMapper json) {
        var limits = json.getFactory().streamReadConstraints();
        long maxDocument = limits.getMaxDocumentLength();
        if (maxDocument > 0 && ctx.contentLength() > maxDocument) throw tooLarge("the JSON body", maxDocument);
        try {
            JsonNode n = json.readTree(ctx.bodyInputStream());
            if (n == null || n.isMissingNode()) throw Refusal.invalid("the request body is empty");
            return n;
        } catch (StreamConstraintsException e) {
            // Jackson's message names its own settings: say it in ours
            if (e.getMessage() != null && e.getMessage().contains("nesting")) {
                throw Refusal.invalid("malformed JSON: nested more than "
                        + limits.getMaxNestingDepth() + " levels deep");
            }
            throw maxDocument > 0 && ctx.contentLength() < 0 ? tooLarge("the JSON body", maxDocument)
                    : tooLarge("a value in the JSON body", limits.getMaxStringLength());
        } catch (JsonProcessingException e) {
            throw Refusal.invalid("malformed JSON: " + reason(e));
        } catch (IOException e) {
            throw Refusal.invalid("cannot read the request body");
        }
    }

    /** As {@link #read}, and the body must be a JSON object. */
    public static JsonNode object(Context ctx, ObjectMapper json, String expected) {
        JsonNode n = read(ctx, json);
        if (!n.isObject()) throw Refusal.invalid("expected " + expected);
        return n;
    }

    private static Refusal tooLarge(String what, long limit) {
        return new Refusal(Refusal.Kind.TOO_LARGE, what + " is over the limit of " + limit + " characters");
    }

    /** Jackson's one-line reason, unless it names Jackson's own code; then only where the JSON broke. */
    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message != null && !message.contains("`") && !message.contains("com.fasterxml")) {
            return message.lines().findFirst().orElse("");
        }
        var at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "unreadable" : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
