package org.sightline.web;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.Semaphore;

/**
 * Keeps slow or stalled clients from holding the server's threads: an idle timeout on every connection, a
 * minimum data rate for request bodies (a body trickled slower is cut with 408), and a cap on requests whose
 * bodies are being read at once (the rest are answered 503 at once, before a byte of their body is read), so
 * {@code /healthz} and {@code /readyz} always find a thread.
 */
public final class SlowClients {
    private SlowClients() {
    }

    /**
     * @param idleTimeoutMs    a connection (or a request) with no bytes for this long is closed
     * @param minBytesPerSecond the least average rate a request body must arrive at (0: no minimum)
     * @param maxOpenBodies    requests with a body in progress at once (0: no cap)
     */
    public static void install(JavalinConfig config, long idleTimeoutMs, long minBytesPerSecond, int maxOpenBodies) {
        config.jetty.modifyHttpConfiguration(http -> {
            http.setIdleTimeout(idleTimeoutMs);
            http.setMinRequestDataRate(minBytesPerSecond);
        });
        config.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                // the connectors exist once the server starts, whoever added them
                for (Connector c : ((Server) event).getConnectors()) {
                    if (c instanceof org.eclipse.jetty.server.AbstractConnector a) a.setIdleTimeout(idleTimeoutMs);
                }
            }
        }));
        if (maxOpenBodies > 0) {
            Semaphore open = new Semaphore(maxOpenBodies);
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                    new FilterHolder(new BodyCap(open)), "/*", EnumSet.of(DispatcherType.REQUEST)));
        }
    }

    /** Answers 503 to a request with a body while {@code open} has no permit left; never queues. */
    private static final class BodyCap implements Filter {
        private final Semaphore open;

        BodyCap(Semaphore open) {
            this.open = open;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            HttpServletRequest r = (HttpServletRequest) req;
            boolean hasBody = r.getContentLengthLong() > 0 || r.getHeader("Transfer-Encoding") != null;
            if (!hasBody) {
                chain.doFilter(req, res);
                return;
            }
            if (!open.tryAcquire()) {
                HttpServletResponse out = (HttpServletResponse) res;
                out.setStatus(503);
                out.setHeader("Retry-After", "5");
                out.setHeader("Connection", "close");
                out.setContentType("application/json");
                out.getOutputStream().write("{\"error\":\"busy\",\"message\":\"too many uploads in progress; try again shortly\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            try {
                chain.doFilter(req, res);
            } finally {
                open.release();
            }
        }
    }
}
