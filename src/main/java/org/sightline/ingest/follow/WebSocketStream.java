package org.sightline.ingest.follow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.sightline.instances.Watch;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The WebSocket form of the streaming API, the only one Pleroma, Akkoma and GoToSocial serve:
 * {@code GET /api/v1/streaming?stream=public:remote:media&access_token=…} upgraded to a WebSocket, whose text
 * messages are {@code {"stream": [...], "event": "update", "payload": "<the Status as a JSON string>"}}
 * ({@code delete}: the id). Messages wait in a queue until read, so the stream can be opened before catching up.
 */
public final class WebSocketStream implements AutoCloseable {
    /** One message: its event and payload; a null event is a sign of life (ping), a null message the end. */
    record Message(String event, String payload) {
    }

    private static final Message CLOSED = new Message(null, null);
    private static final int MAX_QUEUED = 10_000;
    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final ObjectMapper json = new ObjectMapper();
    private volatile Session session;
    private volatile String closeReason;

    /** Connects; a refused token (401, 403 on the upgrade) stops following, other failures back off. */
    static WebSocketStream open(WebSocketClient client, String streamingBase, String token, Watch watch)
            throws TimelineApi.ApiFailure {
        String stream = switch (watch) {
            case LOCAL -> "public:local:media";
            case REMOTE -> "public:remote:media";
            default -> "public:media";
        };
        String base = streamingBase.startsWith("https://") ? "wss://" + streamingBase.substring(8)
                : streamingBase.startsWith("http://") ? "ws://" + streamingBase.substring(7) : streamingBase;
        // the token rides in the URL as these servers require; this URL is never logged
        URI uri = URI.create(base + "/api/v1/streaming?stream=" + URLEncoder.encode(stream, StandardCharsets.UTF_8)
                + "&access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        WebSocketStream s = new WebSocketStream();
        ClientUpgradeRequest request = new ClientUpgradeRequest();
        request.setHeader("User-Agent", "Sightline/0.1 (+media scanning)");
        try {
            s.session = client.connect(s.new Listener(), uri, request).get(30, TimeUnit.SECONDS);
            return s;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof UpgradeException) && cause.getCause() != cause) {
                if (cause.getCause() == null) break;
                cause = cause.getCause();
            }
            if (cause instanceof UpgradeException u) {
                int status = u.getResponseStatusCode();
                if (status == 401 || status == 403) {
                    throw new TimelineApi.ApiFailure("streaming answered HTTP " + status + ": the instance refused the"
                            + " token. Paste a token with the read:statuses scope, then set the instance's watch again",
                            true, null);
                }
                throw new TimelineApi.ApiFailure("streaming answered HTTP " + status, false, null);
            }
            throw new TimelineApi.ApiFailure("streaming: connection failed ("
                    + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")", false, null);
        } catch (TimeoutException e) {
            throw new TimelineApi.ApiFailure("streaming: no answer to the WebSocket upgrade", false, null);
        } catch (IOException e) {
            throw new TimelineApi.ApiFailure("streaming: connection failed (" + e.getClass().getSimpleName() + ")", false, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimelineApi.ApiFailure("streaming: interrupted", false, null);
        }
    }

    /**
     * The next message within {@code wait}: null when none came (silence); throws when the stream ended.
     */
    Message next(Duration wait) throws TimelineApi.ApiFailure, InterruptedException {
        Message m = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (m == CLOSED) {
            throw new TimelineApi.ApiFailure("the stream closed" + (closeReason == null ? "" : " (" + closeReason + ")"),
                    false, null);
        }
        return m;
    }

    /** Whether a message is waiting now. */
    boolean hasMore() {
        return !queue.isEmpty();
    }

    private void offer(Message m) {
        if (!queue.offer(m)) {
            // reading fell far behind: drop the connection; the catch-up after reconnecting reads the timeline
            closeReason = "over " + MAX_QUEUED + " messages behind";
            queue.clear();
            queue.offer(CLOSED);
            close();
        }
    }

    /** Public: Jetty calls it through public method handles. */
    public final class Listener implements Session.Listener.AutoDemanding {
        @Override
        public void onWebSocketText(String message) {
            try {
                JsonNode m = json.readTree(message);
                if (m == null || !m.isObject() || !m.path("event").isTextual()) return;
                JsonNode payload = m.get("payload");
                offer(new Message(m.get("event").asText(), payload == null || payload.isNull() ? "" : payload.asText()));
            } catch (IOException e) {
                // not a message of the streaming API: ignored
            }
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            queue.offer(new Message(null, null));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closeReason = "code " + statusCode;
            queue.offer(CLOSED);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            closeReason = cause.getClass().getSimpleName();
            queue.offer(CLOSED);
        }
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) s.close();
    }
}
