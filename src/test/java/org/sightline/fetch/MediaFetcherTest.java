package org.sightline.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the fetcher against an HTTP server on 127.0.0.1. No test sends traffic anywhere else: the
 * non-loopback addresses used (10.x, 169.254.x) are refused by the address policy in the resolution
 * step, which the recording policy below proves by showing they were never permitted.
 */
@Timeout(30)
class MediaFetcherTest {
    private static final byte[] IMAGE = "\u0089PNG\r\n\u001a\n not really a png, just bytes".getBytes();
    private static final long CAP = 64 * 1024;
    private static final FetchSettings SETTINGS =
            new FetchSettings(300, CAP, 3, false, FetchSettings.USER_AGENT);

    private HttpServer server;
    private ExecutorService serverThreads;
    private int port;
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, String> userAgents = new ConcurrentHashMap<>();
    private final AtomicLong streamedBytes = new AtomicLong();
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        port = server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        releaseSlow.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        userAgents.put(path, String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
        try (exchange) {
            if (path.equals("/image.png")) {
                exchange.getResponseHeaders().add("Content-Type", "image/png");
                exchange.sendResponseHeaders(200, IMAGE.length);
                exchange.getResponseBody().write(IMAGE);
            } else if (path.startsWith("/hops/")) {
                int left = Integer.parseInt(path.substring("/hops/".length()));
                redirect(exchange, left == 0 ? "/image.png" : "/hops/" + (left - 1));
            } else if (path.equals("/to-metadata")) {
                redirect(exchange, "http://169.254.169.254/latest/meta-data/");
            } else if (path.equals("/to-internal-name")) {
                redirect(exchange, "http://internal.test:" + port + "/image.png");
            } else if (path.equals("/endless")) {
                // chunked, no Content-Length: only counting while streaming can stop it
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                byte[] chunk = new byte[16 * 1024];
                try {
                    for (int i = 0; i < 2048; i++) { // 32 MiB
                        out.write(chunk);
                        streamedBytes.addAndGet(chunk.length);
                    }
                } catch (IOException aborted) {
                    // the client hung up, as it should
                } finally {
                    streamEnded.countDown();
                }
            } else if (path.equals("/declared-huge")) {
                exchange.sendResponseHeaders(200, 10L * 1024 * 1024);
                exchange.getResponseBody().write(new byte[1024]);
            } else if (path.equals("/slow-headers")) {
                await(releaseSlow);
                exchange.sendResponseHeaders(200, IMAGE.length);
                exchange.getResponseBody().write(IMAGE);
            } else if (path.equals("/slow-body")) {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(new byte[100]);
                exchange.getResponseBody().flush();
                await(releaseSlow);
            } else if (path.startsWith("/status/")) {
                exchange.sendResponseHeaders(Integer.parseInt(path.substring("/status/".length())), -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI local(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Permits what {@code inner} permits, and remembers every address it was asked about. */
    private static final class RecordingPolicy implements AddressPolicy {
        final AddressPolicy inner;
        final List<InetSocketAddress> permitted = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> refused = new CopyOnWriteArrayList<>();

        RecordingPolicy(AddressPolicy inner) {
            this.inner = inner;
        }

        @Override
        public boolean permits(InetSocketAddress address) {
            boolean ok = inner.permits(address);
            (ok ? permitted : refused).add(address);
            return ok;
        }
    }

    /** Public addresses, plus exactly this test's server. */
    private AddressPolicy publicAndTestServer() {
        return AddressPolicy.publicOnly()
                .or(a -> a.getAddress().isLoopbackAddress() && a.getPort() == port);
    }

    private static HostResolver resolverWith(Map<String, String> names) {
        return host -> {
            String ip = names.get(host);
            return ip != null ? List.of(InetAddress.getByName(ip)) : HostResolver.system().resolve(host);
        };
    }

    @Test
    void fetches_an_image_from_loopback_when_private_addresses_are_allowed() {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            FetchResult result = fetcher.fetch(local("/image.png?token=secret"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.OK);
            assertThat(result.status()).isEqualTo(200);
            assertThat(result.bytes()).isEqualTo(IMAGE);
            assertThat(result.contentType()).isEqualTo("image/png");
            assertThat(result.finalUri()).isEqualTo(local("/image.png?token=secret"));
            assertThat(userAgents.get("/image.png")).isEqualTo("Sightline/0.1 (+media scanner)");
            assertThat(result.toString()).doesNotContain("token=secret");
        }
    }

    @Test
    void refuses_loopback_addresses_by_default_without_sending_a_request() {
        RecordingPolicy policy = new RecordingPolicy(AddressPolicy.publicOnly());
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS, HostResolver.system(), policy)) {
            for (URI uri : List.of(local("/image.png"), URI.create("http://127.1.2.3:" + port + "/image.png"),
                    URI.create("http://[::1]:" + port + "/image.png"))) {
                FetchResult result = fetcher.fetch(uri);
                assertThat(result.outcome()).as(uri.toString()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
                assertThat(result.retryable()).isFalse();
                assertThat(result.reason()).startsWith("refused: ");
            }
        }
        assertThat(requests.get()).isZero();
        assertThat(policy.permitted).isEmpty();
        assertThat(policy.refused).extracting(a -> a.getAddress().getHostAddress())
                .containsExactly("127.0.0.1", "127.1.2.3", "0:0:0:0:0:0:0:1");
    }

    @Test
    void refuses_private_and_link_local_addresses_before_connecting() {
        RecordingPolicy policy = new RecordingPolicy(AddressPolicy.publicOnly());
        HostResolver names = resolverWith(Map.of("media.internal.test", "10.20.30.40"));
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS, names, policy)) {
            for (String url : List.of("http://10.0.0.5/a.jpg", "http://169.254.169.254/latest/meta-data/",
                    "https://media.internal.test/a.jpg", "http://[::ffff:10.0.0.5]/a.jpg",
                    "http://[fd00::1]/a.jpg", "http://100.64.0.1/a.jpg")) {
                FetchResult result = fetcher.fetch(URI.create(url));
                assertThat(result.outcome()).as(url).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
                assertThat(result.retryable()).as(url).isFalse();
                assertThat(result.reason()).as(url).startsWith("refused: ");
            }
        }
        // the connector only ever receives permitted addresses: none were
        assertThat(policy.permitted).isEmpty();
        assertThat(policy.refused).extracting(a -> a.getAddress().getHostAddress())
                .contains("10.0.0.5", "169.254.169.254", "10.20.30.40", "100.64.0.1");
    }

    @Test
    void refuses_a_redirect_to_a_link_local_address_even_when_the_first_host_is_allowed() {
        RecordingPolicy policy = new RecordingPolicy(publicAndTestServer());
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS, HostResolver.system(), policy)) {
            FetchResult result = fetcher.fetch(local("/to-metadata"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(result.retryable()).isFalse();
            assertThat(result.reason()).startsWith("refused: 169.254.169.254");
            assertThat(result.finalUri()).isEqualTo(URI.create("http://169.254.169.254/latest/meta-data/"));
        }
        assertThat(requests.get()).isEqualTo(1);
        assertThat(policy.permitted).extracting(InetSocketAddress::getPort).containsOnly(port);
        assertThat(policy.refused).extracting(a -> a.getAddress().getHostAddress()).containsExactly("169.254.169.254");
    }

    @Test
    void refuses_a_redirect_to_a_name_that_resolves_to_a_private_address() {
        RecordingPolicy policy = new RecordingPolicy(publicAndTestServer());
        HostResolver names = resolverWith(Map.of("internal.test", "10.9.8.7"));
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS, names, policy)) {
            FetchResult result = fetcher.fetch(local("/to-internal-name"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(result.reason()).startsWith("refused: internal.test");
        }
        assertThat(policy.refused).extracting(a -> a.getAddress().getHostAddress()).containsExactly("10.9.8.7");
    }

    @Test
    void connects_only_to_the_permitted_addresses_of_a_name_that_resolves_to_several() {
        RecordingPolicy policy = new RecordingPolicy(publicAndTestServer());
        HostResolver mixed = host -> host.equals("mixed.test")
                ? List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("169.254.169.254"),
                InetAddress.getLoopbackAddress())
                : HostResolver.system().resolve(host);
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS, mixed, policy)) {
            FetchResult result = fetcher.fetch(URI.create("http://mixed.test:" + port + "/image.png"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.OK);
            assertThat(result.bytes()).isEqualTo(IMAGE);
        }
        assertThat(policy.permitted).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
        assertThat(policy.refused).extracting(a -> a.getAddress().getHostAddress())
                .containsExactly("10.0.0.1", "169.254.169.254");
    }

    @Test
    void follows_three_redirects_and_refuses_a_fourth() {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS, HostResolver.system(), publicAndTestServer())) {
            FetchResult three = fetcher.fetch(local("/hops/2")); // /hops/2 → /hops/1 → /hops/0 → /image.png
            assertThat(three.outcome()).isEqualTo(FetchResult.Outcome.OK);
            assertThat(three.bytes()).isEqualTo(IMAGE);
            assertThat(three.finalUri()).isEqualTo(local("/image.png"));

            requests.set(0);
            FetchResult four = fetcher.fetch(local("/hops/3"));
            assertThat(four.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(four.retryable()).isFalse();
            assertThat(four.reason()).isEqualTo("more than 3 redirects");
            assertThat(requests.get()).isEqualTo(4); // the fourth Location is never requested
        }
    }

    @Test
    void aborts_a_body_as_soon_as_it_streams_past_the_size_cap() throws InterruptedException {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withTimeoutMillis(5_000).withAllowPrivateAddresses(true))) {
            FetchResult result = fetcher.fetch(local("/endless"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.TOO_LARGE);
            assertThat(result.reason()).isEqualTo("more than " + CAP + " bytes");
            assertThat(result.bytes()).isEmpty();
        }
        assertThat(streamEnded.await(10, TimeUnit.SECONDS)).isTrue();
        // the server was cut off long before its 32 MiB (socket buffers let some MiB through at most)
        assertThat(streamedBytes.get()).isLessThan(16L * 1024 * 1024);
    }

    @Test
    void refuses_a_declared_content_length_over_the_cap_before_reading() {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            FetchResult result = fetcher.fetch(local("/declared-huge"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.TOO_LARGE);
            assertThat(result.reason()).isEqualTo("Content-Length 10485760 is over the limit of " + CAP + " bytes");
        }
    }

    /** A server that never sends its headers, and one that stalls in the middle of the body. */
    @ParameterizedTest
    @ValueSource(strings = {"/slow-headers", "/slow-body"})
    void times_out_on_a_server_that_stops_answering(String path) {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            long start = System.nanoTime();
            FetchResult result = fetcher.fetch(local(path));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(result.retryable()).isTrue();
            assertThat(result.reason()).isEqualTo("timed out after 300 ms");
            assertThat(millis).isLessThan(3_000);
        }
    }

    @Test
    void reports_404_and_410_as_gone() {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            for (int status : new int[]{404, 410}) {
                FetchResult result = fetcher.fetch(local("/status/" + status));
                assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.GONE);
                assertThat(result.status()).isEqualTo(status);
                assertThat(result.retryable()).isFalse();
            }
        }
    }

    @Test
    void reports_503_as_a_retryable_failure_and_403_as_a_final_one() {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            FetchResult unavailable = fetcher.fetch(local("/status/503"));
            assertThat(unavailable.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.retryable()).isTrue();

            FetchResult forbidden = fetcher.fetch(local("/status/403"));
            assertThat(forbidden.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.retryable()).isFalse();
        }
    }

    @Test
    void reports_a_refused_connection_as_retryable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            FetchResult result = fetcher.fetch(URI.create("http://127.0.0.1:" + closedPort + "/image.png"));
            assertThat(result.outcome()).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
            assertThat(result.retryable()).isTrue();
        }
    }

    @Test
    void refuses_schemes_other_than_http_and_https_and_urls_with_credentials() {
        try (MediaFetcher fetcher = new MediaFetcher(SETTINGS.withAllowPrivateAddresses(true))) {
            for (String url : List.of("file:///etc/passwd", "ftp://127.0.0.1/a.jpg", "gopher://127.0.0.1/",
                    "http://user:pw@127.0.0.1:" + port + "/image.png", "/relative/path.jpg")) {
                FetchResult result = fetcher.fetch(URI.create(url));
                assertThat(result.outcome()).as(url).isEqualTo(FetchResult.Outcome.FETCH_FAILED);
                assertThat(result.retryable()).as(url).isFalse();
                assertThat(result.reason()).as(url).doesNotContain("pw");
            }
        }
        assertThat(requests.get()).isZero();
    }

    @Test
    void reads_its_limits_from_the_configuration() {
        FetchSettings settings = FetchSettings.from(org.sightline.config.Config.defaults()
                .with("fetch.timeout_ms", 1234).with("fetch.allow_private_addresses", "true"));
        assertThat(settings.timeoutMillis()).isEqualTo(1234);
        assertThat(settings.allowPrivateAddresses()).isTrue();
        assertThat(settings.maxRedirects()).isEqualTo(3);
        assertThat(FetchSettings.defaults().timeoutMillis()).isEqualTo(10_000);
        assertThat(FetchSettings.defaults().maxBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(FetchSettings.defaults().allowPrivateAddresses()).isFalse();
    }
}
