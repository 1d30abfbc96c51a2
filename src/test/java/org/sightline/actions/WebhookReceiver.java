package org.sightline.actions;

import com.sun.net.httpserver.HttpServer;
import org.sightline.actions.builtin.WebhookAction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Where the webhook plugin posts decisions in tests: keeps each body and its signature header, answers 204. */
public final class WebhookReceiver implements AutoCloseable {
    public final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    public final List<String> signatures = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/decisions", ex -> {
            bodies.add(ex.getRequestBody().readAllBytes());
            signatures.add(ex.getRequestHeaders().getFirst(WebhookAction.SIGNATURE_HEADER));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/decisions";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
