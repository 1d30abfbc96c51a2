package org.sightline.fetch;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads media by URL without letting a URL reach inside the network Sightline runs in.
 * <ul>
 *   <li>only {@code http} and {@code https}, no credentials in the URL;</li>
 *   <li>every host is resolved and connected to only at addresses the {@link AddressPolicy} permits (checked
 *       in Jetty's resolution step, so the address checked is the address connected to);</li>
 *   <li>redirects are followed here, at most {@link FetchSettings#maxRedirects()}, each target checked again;</li>
 *   <li>a declared {@code Content-Length} over the cap is refused before reading, and the body is counted
 *       while it streams, aborting as soon as it passes the cap;</li>
 *   <li>one time budget covers the whole fetch; the connect timeout and the longest silence between
 *       bytes are the same figure.</li>
 * </ul>
 * Thread-safe; one instance serves the whole process. Close it to release its threads.
 */
public final class MediaFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaFetcher.class);
    private static final int BUFFER = 64 * 1024;

    private final FetchSettings settings;
    private final HttpClient client;

    /** A fetcher resolving names with the system resolver, permitting what {@code settings} allows. */
    public MediaFetcher(FetchSettings settings) {
        this(settings, HostResolver.system(), defaultPolicy(settings));
    }

    /** A fetcher with its own name resolution and address policy (tests, or a stricter deployment). */
    public MediaFetcher(FetchSettings settings, HostResolver resolver, AddressPolicy policy) {
        this.settings = settings;
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("sightline-fetch");
        threads.setDaemon(true);
        HttpClient http = new HttpClient();
        http.setName("sightline-fetch");
        http.setExecutor(threads);
        http.setSocketAddressResolver(new GuardedResolver(resolver, policy, threads));
        http.setConnectTimeout(settings.timeoutMillis());
        http.setIdleTimeout(settings.timeoutMillis());
        http.setFollowRedirects(false);
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, settings.userAgent()));
        // no automatic redirects, authentication or upgrades: every request this client makes is one we chose
        http.getProtocolHandlers().clear();
        // no transparent decompression: the byte cap then counts what the server sends, and no gzip bomb
        http.getContentDecoderFactories().clear();
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the media fetcher's HTTP client", e);
        }
        this.client = http;
    }

    /** {@link AddressPolicy#any()} when {@code fetch.allow_private_addresses} is set, else public addresses only. */
    public static AddressPolicy defaultPolicy(FetchSettings settings) {
        return settings.allowPrivateAddresses() ? AddressPolicy.any() : AddressPolicy.publicOnly();
    }

    public FetchSettings settings() {
        return settings;
    }

    /** Fetches {@code uri}; never throws for anything the remote side or the network does. */
    public FetchResult fetch(URI uri) {
        return fetch(uri, Map.of());
    }

    /**
     * Fetches {@code uri} sending {@code requestHeaders} too (e.g. a subscriber's bearer token); they are sent
     * to redirect targets only on the same scheme, host and port, so a redirect cannot carry them elsewhere.
     */
    public FetchResult fetch(URI uri, Map<String, String> requestHeaders) {
        return fetch(uri, requestHeaders, settings.maxBytes(), settings.timeoutMillis());
    }

    /**
     * A video: the same fetch with a larger size cap ({@code media.max_video_bytes}) and six times the timeout,
     * since a video is fetched in full, not its preview.
     */
    public FetchResult fetchVideo(URI uri, long maxBytes) {
        return fetch(uri, Map.of(), Math.max(maxBytes, settings.maxBytes()), 6 * settings.timeoutMillis());
    }

    private FetchResult fetch(URI uri, Map<String, String> requestHeaders, long maxBytes, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        URI current = uri;
        for (int redirects = 0; ; redirects++) {
            String problem = unfetchable(current);
            if (problem != null) return FetchResult.failed(0, current, problem, false);
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) return timedOut(0, current);

            Request request = client.newRequest(current)
                    .method(HttpMethod.GET)
                    .followRedirects(false)
                    .timeout(remaining, TimeUnit.MILLISECONDS)
                    .idleTimeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put(HttpHeader.ACCEPT, "image/*, */*;q=0.5"));
            if (sameOrigin(uri, current)) {
                for (Map.Entry<String, String> e : requestHeaders.entrySet()) {
                    request.headers(h -> h.put(e.getKey(), e.getValue()));
                }
            }
            InputStreamResponseListener listener = new InputStreamResponseListener();
            request.send(listener);
            Response response;
            try {
                // the request's own timeout fails it first; the slack only guards against a lost callback
                response = listener.get(remaining + 1_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return failure(0, current, e.getCause());
            } catch (TimeoutException e) {
                request.abort(e);
                return timedOut(0, current);
            } catch (InterruptedException e) {
                request.abort(e);
                Thread.currentThread().interrupt();
                return FetchResult.failed(0, current, "interrupted", true);
            }

            int status = response.getStatus();
            if (isRedirect(status)) {
                String location = response.getHeaders().get(HttpHeader.LOCATION);
                discard(response, listener);
                if (location == null || location.isBlank()) {
                    return FetchResult.failed(status, current, "HTTP " + status + " without a Location", false);
                }
                if (redirects >= settings.maxRedirects()) {
                    return FetchResult.failed(status, current,
                            "more than " + settings.maxRedirects() + " redirects", false);
                }
                URI next;
                try {
                    next = current.resolve(location.trim());
                } catch (IllegalArgumentException e) {
                    return FetchResult.failed(status, current, "HTTP " + status + " with an invalid Location", false);
                }
                log.debug("redirect {} from {} to {}", status, redact(current), redact(next));
                current = next;
                continue;
            }
            if (status == 404 || status == 410) {
                discard(response, listener);
                return FetchResult.gone(status, current);
            }
            if (status < 200 || status >= 300) {
                discard(response, listener);
                boolean retryable = status >= 500 || status == 408 || status == 429;
                return FetchResult.failed(status, current, "HTTP " + status + " from " + redact(current), retryable);
            }
            return readBody(response, listener, status, current, maxBytes);
        }
    }

    /**
     * POSTs {@code body} to {@code uri} under the same address policy, size cap and timeout as a fetch (a signed
     * opinion to a list's publisher). Redirects are not followed: a POST is not repeated elsewhere.
     */
    public FetchResult post(URI uri, Map<String, String> requestHeaders, String contentType, byte[] body) {
        return send(HttpMethod.POST, uri, requestHeaders, contentType, body);
    }

    /** The same as {@link #post} with PUT (NCMEC's feedback on an entry). */
    public FetchResult put(URI uri, Map<String, String> requestHeaders, String contentType, byte[] body) {
        return send(HttpMethod.PUT, uri, requestHeaders, contentType, body);
    }

    private FetchResult send(HttpMethod method, URI uri, Map<String, String> requestHeaders, String contentType,
                             byte[] body) {
        String problem = unfetchable(uri);
        if (problem != null) return FetchResult.failed(0, uri, problem, false);
        Request request = client.newRequest(uri)
                .method(method)
                .followRedirects(false)
                .timeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(settings.timeoutMillis(), TimeUnit.MILLISECONDS)
                .body(new org.eclipse.jetty.client.BytesRequestContent(contentType, body));
        for (Map.Entry<String, String> e : requestHeaders.entrySet()) request.headers(h -> h.put(e.getKey(), e.getValue()));
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(settings.timeoutMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return failure(0, uri, e.getCause());
        } catch (TimeoutException e) {
            request.abort(e);
            return timedOut(0, uri);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            return FetchResult.failed(0, uri, "interrupted", true);
        }
        int status = response.getStatus();
        if (status < 200 || status >= 300) {
            discard(response, listener);
            boolean retryable = status >= 500 || status == 408 || status == 429;
            return FetchResult.failed(status, uri, "HTTP " + status + " from " + redact(uri), retryable);
        }
        return readBody(response, listener, status, uri, settings.maxBytes());
    }

    private FetchResult readBody(Response response, InputStreamResponseListener listener, int status, URI uri,
                                 long cap) {
        long declared;
        try {
            declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared > cap) {
            discard(response, listener);
            return FetchResult.tooLarge(status, uri,
                    "Content-Length " + declared + " is over the limit of " + cap + " bytes");
        }
        // a declared length is a hint for the buffer, capped: a server may declare much and send little
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) Math.min(declared, 1 << 20) : BUFFER);
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (InputStream in = listener.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > cap) {
                    response.abort(new CancellationException("over the size cap"));
                    return FetchResult.tooLarge(status, uri, "more than " + cap + " bytes");
                }
                body.write(buffer, 0, n);
            }
        } catch (IOException e) {
            return failure(status, uri, e);
        }
        String contentType = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : response.getHeaders()) headers.putIfAbsent(f.getName().toLowerCase(Locale.ROOT), f.getValue());
        return FetchResult.ok(status, body.toByteArray(), contentType, uri, Map.copyOf(headers));
    }

    /** Drops a response whose body is not wanted; the connection is not reused. */
    private static void discard(Response response, InputStreamResponseListener listener) {
        response.abort(new CancellationException("body not needed"));
        try {
            listener.close();
        } catch (IOException ignored) {
            // already aborted
        }
    }

    private FetchResult timedOut(int status, URI uri) {
        return FetchResult.failed(status, uri, "timed out after " + settings.timeoutMillis() + " ms", true);
    }

    /** Maps a transport failure to an outcome. Exception messages are not copied: they may hold URLs. */
    private FetchResult failure(int status, URI uri, Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof RefusedAddressException) {
                return FetchResult.failed(status, uri, "refused: " + t.getMessage(), false);
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return timedOut(status, uri);
            }
            if (t instanceof UnknownHostException) {
                return FetchResult.failed(status, uri, "cannot resolve " + uri.getHost(), true);
            }
            if (t instanceof ConnectException) {
                return FetchResult.failed(status, uri, "cannot connect to " + hostPort(uri), true);
            }
            if (t instanceof SSLException) {
                // a bad certificate does not mend itself within the retry window
                return FetchResult.failed(status, uri, "TLS failure with " + hostPort(uri), false);
            }
        }
        String kind = failure == null ? "unknown error" : failure.getClass().getSimpleName();
        return FetchResult.failed(status, uri, "connection error with " + hostPort(uri) + " (" + kind + ")", true);
    }

    /** Why {@code uri} is not fetched at all, or {@code null}. */
    private static String unfetchable(URI uri) {
        if (uri == null) return "no URL";
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "only http and https URLs are fetched, not '" + scheme + "'";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) return "URL has no host";
        if (uri.getRawUserInfo() != null) return "URL carries credentials";
        return null;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String hostPort(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    /** {@code scheme://host[:port]/path}: no credentials, query or fragment, which may carry tokens. */
    public static String redact(URI uri) {
        if (uri == null) return "-";
        if (uri.getHost() == null) return uri.getScheme() == null ? "(relative URL)" : uri.getScheme() + ":(opaque)";
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + hostPort(uri) + path;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            log.warn("media fetcher did not stop cleanly: {}", e.getClass().getSimpleName());
        }
    }
}
