package org.sightline.cli;

import org.sightline.federation.KeyFiles;
import org.sightline.federation.ListFormat;
import org.sightline.federation.SigningKey;
import org.sightline.federation.SubscriptionDao;
import org.sightline.federation.SubscriptionService;
import io.javalin.Javalin;
import org.sightline.boot.App;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.FetchSettings;
import org.sightline.fetch.MediaFetcher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench lists}: the cost of a first sync of a large list on loopback. One publishing and one subscribing
 * instance in this JVM, each on its own temporary H2 database; the publisher's bank gets N random PDQ entries.
 */
@Command(name = "lists", description = "Benchmark the first sync (snapshot download, verification, apply) of a large signed list on loopback.")
public final class ListBenchCommand implements Callable<Integer> {
    @Option(names = "--entries", defaultValue = "1000000")
    int entries;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public ListBenchCommand(Map<String, String> env) {
        // the bench uses temporary directories only, whatever the environment says
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dirA = Files.createTempDirectory("sightline-bench-pub");
        Path dirB = Files.createTempDirectory("sightline-bench-sub");
        SigningKey key = new KeyFiles(dirA).generate(new SecureRandom());
        Config configA = Config.defaults().with("data.dir", dirA).with("lists.sync_interval_s", 0);
        Config configB = Config.defaults().with("data.dir", dirB).with("lists.sync_interval_s", 0)
                .with("fetch.allow_private_addresses", true);
        try (App.Deps a = App.Deps.open(configA); App.Deps b = App.Deps.open(configB)) {
            Javalin appA = App.create(a).start("127.0.0.1", 0);
            try {
                String base = "http://127.0.0.1:" + appA.port();
                long t = System.nanoTime();
                a.banks().create(new BankService.BankSpec("big", "local", null, null, List.of(), null, null, null));
                a.lists().publish("big", "big", "public", "bench list");
                Random random = new Random(42);
                byte[] h = new byte[32];
                for (int done = 0; done < entries; ) {
                    int n = Math.min(50_000, entries - done);
                    List<BankService.NewEntry> chunk = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        random.nextBytes(h);
                        chunk.add(new BankService.NewEntry("pdq", HexFormat.of().formatHex(h), List.of("spam"), null, null, null));
                    }
                    a.banks().addEntries("big", chunk, "bench");
                    done += n;
                }
                out.printf(Locale.ROOT, "publisher: %,d entries added and logged in %.1f s%n", entries, (System.nanoTime() - t) / 1e9);

                String url = base + "/lists/big";
                MediaFetcher fetcher = new MediaFetcher(FetchSettings.from(configB).withMaxBytes(1L << 30).withTimeoutMillis(600_000));
                try {
                    t = System.nanoTime();
                    FetchResult first = fetcher.fetch(URI.create(url));
                    double build = (System.nanoTime() - t) / 1e9;
                    t = System.nanoTime();
                    FetchResult r = fetcher.fetch(URI.create(url));
                    double download = (System.nanoTime() - t) / 1e9;
                    if (!first.isOk() || !r.isOk()) throw new IllegalStateException("snapshot fetch failed: " + r.reason());
                    byte[] body = r.bytes();
                    t = System.nanoTime();
                    boolean ok = key.publicKey().verifyBase64(body, r.headers().get("sightline-signature"));
                    double verify = (System.nanoTime() - t) / 1e9;
                    t = System.nanoTime();
                    ListFormat.Document doc = new ListFormat().readDocument(body);
                    double parse = (System.nanoTime() - t) / 1e9;
                    out.printf(Locale.ROOT, "snapshot: %,d bytes (%.0f bytes/entry), %,d entries; signature %s%n", body.length,
                            body.length / (double) entries, doc.entries().size(), ok ? "valid" : "INVALID");
                    out.printf(Locale.ROOT, "publisher builds and signs it (first request, streamed from the database): %.2f s%n", build);
                    out.printf(Locale.ROOT, "download on loopback (cached snapshot): %.2f s; Ed25519 verify: %.3f s; parse: %.2f s%n",
                            download, verify, parse);
                } finally {
                    fetcher.close();
                }

                SubscriptionDao.Subscription s = b.subscriptions().subscribe(url, key.keyId(), "observe", null, null, null);
                MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                System.gc();
                long before = memory.getHeapMemoryUsage().getUsed();
                AtomicLong peak = new AtomicLong(before);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "heap-sampler");
                sampler.setDaemon(true);
                sampler.start();
                t = System.nanoTime();
                SubscriptionService.SyncResult result = b.subscriptions().sync(s.id());
                double sync = (System.nanoTime() - t) / 1e9;
                sampler.interrupt();
                sampler.join();
                System.gc();
                long after = memory.getHeapMemoryUsage().getUsed();
                out.printf(Locale.ROOT, "subscriber first sync (fetch, verify, parse, check, apply in one transaction, index): "
                        + "%.1f s for %,d entries%n", sync, result.added());
                out.printf(Locale.ROOT, "heap: %.0f MB before, peak %.0f MB during (sampled every 20 ms; both instances share "
                        + "this JVM), %.0f MB after GC (index and caches kept)%n", before / 1e6, peak.get() / 1e6, after / 1e6);
                return 0;
            } finally {
                appA.stop();
            }
        } finally {
            deleteTree(dirA);
            deleteTree(dirB);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
