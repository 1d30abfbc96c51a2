package org.sightline.ingest;

import org.sightline.decide.Decision;
import org.sightline.common.Digests;
import org.sightline.store.Columns;
import org.sightline.store.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.sightline.ingest.mastodon.IgnoredEvent;
import org.sightline.ingest.mastodon.MalformedEvent;
import org.sightline.ingest.mastodon.MastodonEvent;
import org.sightline.ingest.mastodon.MastodonWebhookParser;
import org.sightline.ingest.mastodon.MediaRef;
import org.sightline.ingest.mastodon.WebhookParse;
import org.sightline.ingest.mastodon.WebhookSignature;
import org.sightline.ingest.post.PostContext;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceKind;
import org.sightline.instances.InstanceService;
import org.sightline.common.Refusal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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
    private final ObjectMapper json = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

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
        // an unknown instance is answered like a bad signature, so the answer does not tell which names exist
        Instance instance = instances.find(instanceName).filter(i -> i.kind() == InstanceKind.MASTODON).orElse(null);
        String secret = instance == null ? null : instances.webhookSecret(instance).orElse(null);
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
            metrics.seen(instance.name(), "webhook", 1, queued);
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
        String dedupeKey = dedupeKey(event);
        String reportComment = event.fromReport()
                ? Columns.truncate(event.report().comment(), Columns.MEDIA_REPORT_COMMENT) : null;
        return jdbi.inTransaction(h -> {
            WebhookEventDao events = h.attach(WebhookEventDao.class);
            if (events.count(instance.id(), dedupeKey) > 0) return -1;
            MediaDao media = h.attach(MediaDao.class);
            PostDao posts = h.attach(PostDao.class);
            String host = PostContext.hostOf(instance.baseUrl());
            // the event's copy of each status is its latest (an edit's new text): it replaces what is kept
            event.posts().forEach((statusId, post) ->
                    posts.replace(instance.id(), statusId, post.withDomainDefault(host), now));
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
                        media.addReport(existing.get().id(), event.report().reportId(), reportComment,
                                Decision.REPORT_BOOST);
                        cases.reported(h, existing.get().id(), Decision.REPORT_BOOST, now);
                    }
                    continue;
                }
                boolean report = event.fromReport();
                Fitted f = fitted(instance, event, ref);
                long mediaId = media.insert(new MediaDao.NewMedia(instance.id(), "mastodon", sourceKey, new MediaDao.Post(ref.statusId(),
                        f.statusUrl(), f.accountId(), f.acct(), ref.attachmentId(), f.fetchUrl()),
                        report ? new MediaDao.Report(event.report().reportId(), reportComment, 1) : MediaDao.Report.NONE,
                        f.metadata(), null, report ? Decision.REPORT_BOOST : 0, now));
                h.attach(ClassificationDao.class).setSensitive(mediaId, ref.sensitive());
                PostContext post = event.posts().get(ref.statusId());
                if (post != null) posts.put(mediaId, instance.id(), ref.statusId(), post.withDomainDefault(host), now);
                if (ref.fullVideo()) media.fetchAsVideo(mediaId);
                queued++;
            }
            events.insert(instance.id(), event.type().wireName(), dedupeKey, queued, now);
            return queued;
        });
    }

    /** A media row's context fields cut to their columns, and the notes saying what was cut (JSON metadata). */
    private record Fitted(String accountId, String acct, String statusUrl, String fetchUrl, String metadata) {
    }

    /**
     * Fits one attachment's fields to the media columns. Context fields (account id, acct, status URL, report
     * comment) are cut or dropped and the media kept: the image is what matters. A media URL too long to store
     * cannot be fetched: the media is kept without one, so it is recorded as fetch_failed and goes to review
     * (fail closed) instead of the post being lost.
     */
    private Fitted fitted(Instance instance, MastodonEvent event, MediaRef ref) {
        List<String> notes = new ArrayList<>();
        String accountId = cut("account id", ref.accountId(), Columns.SOURCE_ID, notes);
        String acct = cut("acct", ref.acct(), Columns.MEDIA_ACCT, notes);
        String statusUrl = ref.statusUrl();
        if (!Columns.fits(statusUrl, Columns.MEDIA_STATUS_URL)) {
            // a cut URL would point somewhere else: drop it
            notes.add("status URL was dropped (" + statusUrl.length() + " characters, over "
                    + Columns.MEDIA_STATUS_URL + ")");
            statusUrl = null;
        }
        String fetchUrl = ref.fetchUrl().toString();
        if (!Columns.fits(fetchUrl, Columns.MEDIA_FETCH_URL)) {
            notes.add("media URL was not stored (" + fetchUrl.length() + " characters, over "
                    + Columns.MEDIA_FETCH_URL + "): it cannot be fetched, so the media goes to review");
            fetchUrl = null;
        }
        if (event.fromReport() && !Columns.fits(event.report().comment(), Columns.MEDIA_REPORT_COMMENT)) {
            notes.add("report comment was truncated to " + Columns.MEDIA_REPORT_COMMENT + " characters");
        }
        if (!Columns.fits(event.dedupeKey(), Columns.WEBHOOK_DEDUPE_KEY)) {
            notes.add("created_at was over-long: the delivery is de-duplicated by its digest");
        }
        if (notes.isEmpty()) return new Fitted(accountId, acct, statusUrl, fetchUrl, null);
        // lengths and field names only: never the values, which are personal data
        log.warn("event=webhook_fields_cut instance={} attachment={} notes=\"{}\"", instance.name(),
                ref.attachmentId(), String.join("; ", notes));
        ObjectNode metadata = json.createObjectNode();
        notes.forEach(metadata.putArray("ingest_notes")::add);
        return new Fitted(accountId, acct, statusUrl, fetchUrl, metadata.toString());
    }

    private static String cut(String field, String value, int limit, List<String> notes) {
        if (Columns.fits(value, limit)) return value;
        notes.add(field + " was truncated to " + limit + " characters (was " + value.length() + ")");
        return Columns.truncate(value, limit);
    }

    /** The parser's key, or, when an over-long timestamp makes it too long for its column, its digest form. */
    static String dedupeKey(MastodonEvent event) {
        String key = event.dedupeKey();
        if (Columns.fits(key, Columns.WEBHOOK_DEDUPE_KEY)) return key;
        return event.type().wireName() + "|" + event.objectId() + "|sha256:" + Digests.sha256Hex(key);
    }

    /** Attachment id plus a digest of the URL: a changed file under the same attachment is new media. */
    public static String sourceKey(MediaRef ref) {
        return ref.attachmentId() + ":" + Digests.sha256Hex(ref.fetchUrl().toString()).substring(0, 16);
    }
}
