package org.sightline.web;

import io.javalin.http.Context;
import io.javalin.rendering.FileRenderer;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** Renders the panel's Pebble templates from {@code templates/} on the classpath, HTML-escaping every value. */
public final class PebbleRenderer implements FileRenderer {
    private final PebbleEngine engine;

    public PebbleRenderer(java.time.Clock clock) {
        ClasspathLoader loader = new ClasspathLoader(PebbleRenderer.class.getClassLoader());
        loader.setPrefix("templates");
        engine = new PebbleEngine.Builder().loader(loader).extension(new PanelExtension(clock)).autoEscaping(true).strictVariables(false).build();
    }

    @Override
    public String render(String file, Map<String, ?> model, Context ctx) {
        StringWriter out = new StringWriter();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) model;
            engine.getTemplate(file).evaluate(out, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
