package org.sightline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ingest pipeline's metrics, in a registry of this app's own (never the global one), served as
 * Prometheus text on {@code /metrics}. Labels carry event types and outcomes only: no URLs, ids or payloads.
 */
public final class IngestMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer fetch = timer("sightline.fetch", "media download");
    private final Timer decodeHash = timer("sightline.decode_hash", "decode, hash and preview of one image");
    private final Timer match = timer("sightline.match", "matching one image's signals");
    private final Timer classify = timer("sightline.classify", "the local classifier on one decoded image");
    private final Timer webhookAck = timer("sightline.webhook_ack", "from request to persisted acknowledgement");

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentiles(0.5, 0.99)
                .serviceLevelObjectives(Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(1))
                .register(registry);
    }

    /** Gauges read at scrape time (queue depth, unscanned media). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, () -> value.get().doubleValue()).description(description).register(registry);
    }

    /**
     * Event types a label may carry: Mastodon's documented webhook events and "unknown" (no type could be read);
     * any other type a sender makes up is counted as "other", so senders cannot grow the public metrics unbounded.
     */
    private static final Set<String> KNOWN_TYPES = Set.of("status.created", "status.updated", "report.created",
            "report.updated", "account.created", "account.updated", "account.approved", "unknown");

    public void event(String type, String outcome) {
        Counter.builder("sightline.webhook.events").description("webhook deliveries by event type and outcome")
                .tag("type", KNOWN_TYPES.contains(type) ? type : "other").tag("outcome", outcome).register(registry).increment();
    }

    public void processed(String outcome, String decision) {
        Counter.builder("sightline.media.processed").description("media scanned, by scan outcome and decision")
                .tag("outcome", outcome).tag("decision", decision).register(registry).increment();
    }

    public void pictrsFailure(String failMode) {
        Counter.builder("sightline.pictrs.failures").description("pict-rs gate failures, by the fail mode applied")
                .tag("fail_mode", failMode).register(registry).increment();
    }

    public void scannerFailure(String scanner) {
        Counter.builder("sightline.scanner.failures").description("scanner plugin errors and timeouts (media sent to review)")
                .tag("scanner", scanner).register(registry).increment();
    }

    /** One classifier's answer on one image: its top label, or "failed". */
    public void classified(String classifier, String topLabel) {
        Counter.builder("sightline.classifier.results").description("images classified, by classifier and top label")
                .tag("classifier", classifier).tag("label", topLabel).register(registry).increment();
    }

    public Timer classify() {
        return classify;
    }

    /**
     * Statuses and media a source brought in, per instance (an admin-given name: bounded by the instances table)
     * and source ({@code webhook}, {@code stream}, {@code gap_fill}, {@code backfill}, and Misskey's {@code poll},
     * whose "statuses" are the drive files read).
     */
    public void seen(String instance, String source, int statuses, int media) {
        if (statuses > 0) Counter.builder("sightline.follow.statuses").description("statuses read, by instance and source")
                .tag("instance", instance).tag("source", source).register(registry).increment(statuses);
        if (media > 0) Counter.builder("sightline.follow.media").description("media queued, by instance and source")
                .tag("instance", instance).tag("source", source).register(registry).increment(media);
    }

    public void reconnect(String instance) {
        Counter.builder("sightline.follow.reconnects").description("stream reconnects, by instance")
                .tag("instance", instance).register(registry).increment();
    }

    /** From a status's creation on the instance to its media being queued here (the stream's lag). */
    public void streamLag(String instance, Duration lag) {
        Timer.builder("sightline.follow.lag").description("status created to queued, streamed statuses")
                .tag("instance", instance).publishPercentiles(0.5, 0.99).register(registry)
                .record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public Timer fetch() {
        return fetch;
    }

    public Timer decodeHash() {
        return decodeHash;
    }

    public Timer match() {
        return match;
    }

    public Timer webhookAck() {
        return webhookAck;
    }

    public String scrape() {
        return registry.scrape();
    }
}
