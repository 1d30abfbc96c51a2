package org.sightline.web;

import org.sightline.common.Refusal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import java.io.IOException;

/** Reads a request's JSON body, turning every failure into a 400 with a one-line reason. */
public final class JsonBody {
    private JsonBody() {
    }

    public static JsonNode read(Context ctx, ObjectMapper json) {
        try {
            JsonNode n = json.readTree(ctx.bodyInputStream());
            if (n == null || n.isMissingNode()) throw Refusal.invalid("the request body is empty");
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Refusal.invalid("malformed JSON: " + e.getOriginalMessage());
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
}
