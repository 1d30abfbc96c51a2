package org.sightline.ingest;

import org.sightline.decide.Decision;
import org.sightline.common.Digests;
import org.sightline.store.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.sightline.ingest.mastodon.IgnoredEvent;
import org.sightline.ingest.mastodon.MalformedEvent;
import org.sightline.ingest.mastodon.MastodonEvent;
import org.sightline.ingest.mastodon.MastodonWebhookParser;
import org.sightline.ingest.mastodon.MediaRef;
import org.sightline.ingest.mastodon.WebhookParse;
import org.sightline.ingest.mastodon.WebhookSignature;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceKind;
import org.sightline.instances.InstanceService;
import org.sightline.common.Refusal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Turns verified webhook deliveries into queued media, durably: the delivery's dedupe key and every new
 * media item are written in one transaction before the sender gets its answer, so a crash right after the
 * answer loses nothing and a retried delivery creates nothing new.
 */
public final class IngestService {
    /** How long after acting on a status its events are taken for echoes of that action. */
    static final java.time.Duration ECHO_WINDOW = java.time.Duration.ofMinutes(15);

    private final Jdbi jdbi;
    private final InstanceService instances;
    private final MastodonWebhookParser parser;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final Runnable wakeWorkers;
    private final EchoCheck echoes;
    private final CaseQueue cases;

    public IngestService(Jdbi jdbi, InstanceService instances, MastodonWebhookParser parser, IngestMetrics metrics,
                         Clock clock, Runnable wakeWorkers, EchoCheck echoes, CaseQueue cases) {
        this.echoes = echoes;
        this.cases = cases;
        this.jdbi = jdbi;
        this.instances = instances;
        this.parser = parser;
        this.metrics = metrics;
        this.clock = clock;
        this.wakeWorkers = wakeWorkers;
    }

    /** How a delivery was answered: HTTP status and a short body. */
    public record WebhookAnswer(int status, String result, int queued) {
    }

    public WebhookAnswer mastodon(String instanceName, byte[] body, String signatureHeader) {
        Instance instance = instances.find(instanceName)
                .filter(i -> i.kind() == InstanceKind.MASTODON)
                .orElseThrow(() -> Refusal.notFound("no Mastodon instance named '" + instanceName + "'"));
        String secret = instances.webhookSecret(instance).orElse(null);
        if (secret == null || !WebhookSignature.verify(secret, body, signatureHeader)) {
            metrics.event("unknown", "bad_signature");
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "bad_signature", "X-Hub-Signature does not match this instance's webhook secret");
        }
        instances.recordEvent(instance);
        WebhookParse parsed = parser.parse(body);
        if (parsed instanceof MalformedEvent m) {
            metrics.event("unknown", "malformed");
            throw Refusal.invalid("malformed webhook: " + m.reason());
        }
        if (parsed instanceof IgnoredEvent ignored) {
            metrics.event(ignored.eventType(), "ignored");
            return new WebhookAnswer(202, "ignored", 0);
        }
        MastodonEvent event = (MastodonEvent) parsed;
        String type = event.type().wireName();
        try {
            int queued = persist(instance, event);
            if (queued < 0) {
                metrics.event(type, "duplicate");
                return new WebhookAnswer(200, "duplicate", 0);
            }
            metrics.event(type, "accepted");
            if (queued > 0) wakeWorkers.run();
            return new WebhookAnswer(202, "accepted", queued);
        } catch (UnableToExecuteStatementException e) {
            // two copies of one delivery raced: the unique key let one in
            if (Sql.isUniqueViolation(e)) {
                metrics.event(type, "duplicate");
                return new WebhookAnswer(200, "duplicate", 0);
            }
            throw e;
        }
    }

    /** Returns the number of media queued, or -1 for a duplicate delivery. */
    private int persist(Instance instance, MastodonEvent event) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return jdbi.inTransaction(h -> {
            WebhookEventDao events = h.attach(WebhookEventDao.class);
            if (events.count(instance.id(), event.dedupeKey()) > 0) return -1;
            MediaDao media = h.attach(MediaDao.class);
            Instant echoWindow = now.minus(ECHO_WINDOW);
            int queued = 0;
            for (MediaRef ref : event.media()) {
                // Sightline's own report or action comes back as an event about the same status: not new evidence
                if (echoes.isEcho(h, instance, event, ref, echoWindow)) {
                    continue;
                }
                String sourceKey = sourceKey(ref);
                var existing = media.findBySource(instance.id(), sourceKey);
                if (existing.isPresent()) {
                    // seen before (an unchanged attachment of an edited post, or now reported): a report counts
                    if (event.fromReport()) {
                        media.addReport(existing.get().id(), event.report().reportId(), event.report().comment(),
                                Decision.REPORT_BOOST);
                        cases.reported(h, existing.get().id(), Decision.REPORT_BOOST, now);
                    }
                    continue;
                }
                boolean report = event.fromReport();
                media.insert(new MediaDao.NewMedia(instance.id(), "mastodon", sourceKey, ref.statusId(),
                        ref.statusUrl(), ref.accountId(), ref.acct(), ref.attachmentId(), ref.fetchUrl().toString(),
                        report ? event.report().reportId() : null, report ? event.report().comment() : null,
                        report ? 1 : 0, null, null, report ? Decision.REPORT_BOOST : 0, now));
                queued++;
            }
            events.insert(instance.id(), event.type().wireName(), event.dedupeKey(), queued, now);
            return queued;
        });
    }


    /** Attachment id plus a digest of the URL: a changed file under the same attachment is new media. */
    static String sourceKey(MediaRef ref) {
        return ref.attachmentId() + ":" + Digests.sha256Hex(ref.fetchUrl().toString()).substring(0, 16);
    }
}
