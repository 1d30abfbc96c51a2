package org.sightline.web;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;
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
 * minimum data rate for request bodies while they are read (a body trickled slower is cut with 408), and a cap on requests whose
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
        // Jetty's own minimum data rate also counts the time before the handler reads (and fails a fully read
        // body read again at its end): the body stream's own check below measures reading only.
        config.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(idleTimeoutMs));
        config.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                // the connectors exist once the server starts, whoever added them
                for (Connector c : ((Server) event).getConnectors()) {
                    if (c instanceof org.eclipse.jetty.server.AbstractConnector a) a.setIdleTimeout(idleTimeoutMs);
                }
            }
        }));
        Semaphore open = maxOpenBodies > 0 ? new Semaphore(maxOpenBodies) : null;
        config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                new FilterHolder(new BodyCap(open, minBytesPerSecond)), "/*", EnumSet.of(DispatcherType.REQUEST)));
    }

    /** A request body arriving slower than the minimum rate: the request is answered 408 and its connection closed. */
    public static final class TooSlow extends IOException {
        TooSlow() {
            super("request body arrives too slowly");
        }
    }

    /** True if {@code e} or one of its causes is {@link TooSlow}. */
    public static boolean tooSlow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof TooSlow) return true;
        return false;
    }

    /** Allowed: after a grace of {@link #GRACE_NANOS} from the first read, at least the minimum rate on average. */
    private static final long GRACE_NANOS = 2_000_000_000L;

    private static final class RateCheckedInput extends ServletInputStream {
        private final ServletInputStream in;
        private final long minBytesPerSecond;
        private long started = Long.MIN_VALUE;
        private long bytes;

        RateCheckedInput(ServletInputStream in, long minBytesPerSecond) {
            this.in = in;
            this.minBytesPerSecond = minBytesPerSecond;
        }

        private void check(int n) throws TooSlow {
            long now = System.nanoTime();
            if (started == Long.MIN_VALUE) started = now;
            if (n > 0) bytes += n;
            long elapsed = now - started - GRACE_NANOS;
            if (n >= 0 && elapsed > 0 && bytes < minBytesPerSecond * (elapsed / 1_000_000) / 1000) throw new TooSlow();
        }

        @Override
        public int read() throws IOException {
            check(0);
            int b = in.read();
            check(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(0);
            int n = in.read(b, off, len);
            check(n);
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    /** Answers 503 to a request with a body while {@code open} has no permit left; never queues. */
    private static final class BodyCap implements Filter {
        private final Semaphore open;
        private final long minBytesPerSecond;

        BodyCap(Semaphore open, long minBytesPerSecond) {
            this.open = open;
            this.minBytesPerSecond = minBytesPerSecond;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            HttpServletRequest r = (HttpServletRequest) req;
            boolean hasBody = r.getContentLengthLong() > 0 || r.getHeader("Transfer-Encoding") != null;
            if (!hasBody) {
                chain.doFilter(req, res);
                return;
            }
            if (minBytesPerSecond > 0) {
                ServletInputStream checked = new RateCheckedInput(r.getInputStream(), minBytesPerSecond);
                req = new HttpServletRequestWrapper(r) {
                    @Override
                    public ServletInputStream getInputStream() {
                        return checked;
                    }
                };
            }
            if (open == null) {
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
