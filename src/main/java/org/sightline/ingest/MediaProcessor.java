package org.sightline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.sightline.decide.Classification;
import org.sightline.decide.Decider;
import org.sightline.decide.Decision;
import org.sightline.decide.Risk;
import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.BankService;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceService;
import org.sightline.hashing.ImageDecoder;
import org.sightline.hashing.MediaException;
import org.sightline.hashing.MediaHasher;
import org.sightline.hashing.PdqHash;
import org.sightline.hashing.PerceptualHashes;
import org.sightline.hashing.Signals;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSignals;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;
import org.sightline.ingest.preview.Derivatives;
import org.sightline.store.Columns;
import org.sightline.ingest.preview.PreviewRenderer;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.sightline.matching.Vpdq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One media item through fetch → decode → hash → match → decide, and the one transaction that records the
 * result. Safe to run again on the same item (after a crash, or by two nodes racing past an expired lease):
 * matches are replaced, a case and an action request are each created at most once.
 */
public final class MediaProcessor {
    private static final Logger log = LoggerFactory.getLogger(MediaProcessor.class);

    private final Jdbi jdbi;
    private final MediaFetcher fetcher;
    private final MediaHasher hasher;
    private final VideoHasher videos;
    private final PreviewRenderer previews;
    private final BankService banks;
    private final Scanners scanners;
    private final InstanceService instances;
    private final Decider decider;
    private final CaseQueue cases;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final int maxAttempts;
    private final LocalClassification local;
    private final ObjectMapper json = new ObjectMapper();
    private final FloodGate flood;

    public MediaProcessor(Jdbi jdbi, MediaFetcher fetcher, MediaHasher hasher, VideoHasher videos,
                          PreviewRenderer previews, BankService banks, InstanceService instances, Scanners scanners, LocalClassification local,
                          Decider decider, CaseQueue cases, IngestMetrics metrics, Clock clock, int maxAttempts,
                          FloodGate flood) {
        this.local = local;
        this.flood = flood;
        this.scanners = scanners;
        this.instances = instances;
        this.decider = decider;
        this.cases = cases;
        this.jdbi = jdbi;
        this.fetcher = fetcher;
        this.hasher = hasher;
        this.videos = videos;
        this.previews = previews;
        this.banks = banks;
        this.metrics = metrics;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
    }

    /**
     * A scan of bytes in hand: the signals and derivatives, or the outcome and reason it failed with. A scanned
     * video has {@code video} and no image {@code signals}; its {@code derivatives} are its first sheet frame's.
     */
    public record Scan(ScanOutcome outcome, String reason, long byteSize, Signals signals, Derivatives derivatives,
                       FileMetadata metadata, Classification classification, Classification.Result local,
                       VideoScan video) {

        public Scan(ScanOutcome outcome, String reason, long byteSize, Signals signals, Derivatives derivatives) {
            this(outcome, reason, byteSize, signals, derivatives, FileMetadata.NONE, null, null, null);
        }

        Scan withMetadata(FileMetadata m) {
            return new Scan(outcome, reason, byteSize, signals, derivatives, m, classification, local, video);
        }

        Scan withLocal(Classification.Result r) {
            return new Scan(outcome, reason, byteSize, signals, derivatives, metadata, classification, r, video);
        }

        Scan classified(Classification c) {
            return new Scan(outcome, reason, byteSize, signals, derivatives, metadata, c, local, video);
        }

        public boolean scanned() {
            return outcome == ScanOutcome.SCANNED;
        }

        /** The media type a scanner plugin is told. */
        String mediaType() {
            return video != null ? video.signals().format().mediaType() : signals.format().mediaType();
        }
    }

    /** A scanned video: its signals and its contact sheet (up to 9 frames spread over it, with their derivatives). */
    public record VideoScan(VideoSignals signals, List<SheetFrame> sheet) {
        public VideoScan {
            sheet = List.copyOf(sheet);
        }
    }

    /** One frame of a contact sheet: its time in seconds and its blurred greyscale and colour derivatives. */
    public record SheetFrame(double timestamp, Derivatives derivatives) {
    }

    /** Decodes, hashes and renders the previews of media not from an instance (the local classifier as set). */
    public Scan scan(byte[] bytes) {
        return scan(bytes, (Instance) null);
    }

    /**
     * Decodes, hashes, renders the previews and runs the local classifier (unless it is off for this instance),
     * under the decoder's bound on images held at once.
     */
    public Scan scan(byte[] bytes, Instance instance) {
        if (VideoHasher.isVideo(bytes)) return scanVideo(bytes, instance);
        boolean classifyLocally = local.runsFor(instance == null ? null : instance.name());
        long start = System.nanoTime();
        Scan decoded;
        float[][] input = new float[1][];
        try {
            decoded = hasher.decoder().decode(bytes, image -> {
                Signals signals = hasher.signals(image, bytes);
                // the model input is area-averaged from the previews' shrunk copy (not the full-size image again),
                // and only that small input is taken here: inference runs after the decoder has let go of the image
                Derivatives derivatives = previews.render(image, shrunk -> {
                    if (classifyLocally) input[0] = local.input(shrunk);
                });
                return new Scan(ScanOutcome.SCANNED, null, bytes.length, signals, derivatives, FileMetadata.NONE,
                        null, null, null);
            });
            // read only from a file that decoded within the pixel and byte caps, outside the decoder's bound
            decoded = decoded.withMetadata(FileMetadata.read(bytes));
        } catch (MediaException e) {
            return new Scan(ScanOutcome.of(e.reason()), e.getMessage(), bytes.length, null, null);
        } finally {
            metrics.decodeHash().record(Duration.ofNanos(System.nanoTime() - start));
        }
        if (!classifyLocally) return decoded;
        long t0 = System.nanoTime();
        Classification.Result result = local.classify(input[0]);
        metrics.classify().record(Duration.ofNanos(System.nanoTime() - t0));
        metrics.classified(LocalClassification.NAME,
                result.error() != null ? "failed" : LocalClassification.top(result.scores()));
        return decoded.withLocal(result);
    }

    /**
     * A video or animation: vPDQ through the video decoder (its permits, caps and time budget), a contact sheet
     * kept while decoding, and the local classifier on the sheet's frames, keeping each class's highest score.
     */
    private Scan scanVideo(byte[] bytes, Instance instance) {
        boolean classifyLocally = local.runsFor(instance == null ? null : instance.name());
        long start = System.nanoTime();
        ContactSheet sheet = new ContactSheet(previews::shrinkFrame);
        VideoSignals signals;
        try {
            signals = videos.hash(bytes, frame -> sheet.offer(frame.timestamp(), frame.image()));
        } catch (MediaException e) {
            return new Scan(ScanOutcome.of(e.reason()), e.getMessage(), bytes.length, null, null);
        } finally {
            metrics.decodeHash().record(Duration.ofNanos(System.nanoTime() - start));
        }
        List<ContactSheet.Frame> frames = sheet.frames();
        if (frames.isEmpty()) {
            return new Scan(ScanOutcome.DECODE_FAILED, "no frame of the " + signals.format().label()
                    + " could be decoded", bytes.length, null, null);
        }
        List<SheetFrame> rendered = new ArrayList<>(frames.size());
        for (ContactSheet.Frame f : frames) rendered.add(new SheetFrame(f.timestamp(), previews.renderShrunk(f.image())));
        Scan scanned = new Scan(ScanOutcome.SCANNED, null, bytes.length, null, rendered.get(0).derivatives(),
                FileMetadata.NONE, null, null, new VideoScan(signals, rendered));
        if (!classifyLocally) return scanned;
        long t0 = System.nanoTime();
        Classification.Result result = null;
        Map<String, Double> highest = new LinkedHashMap<>();
        for (ContactSheet.Frame f : frames) {
            Classification.Result r = local.classify(local.input(f.image()));
            if (r.error() != null) {
                result = r; // one frame that could not be classified sends the video to review, as an image
                break;
            }
            r.scores().forEach((label, score) -> highest.merge(label, score, Math::max));
            result = new Classification.Result(r.classifier(), r.model(), r.version(), highest, null);
        }
        if (result != null && result.error() == null) {
            result = new Classification.Result(result.classifier(), result.model(), result.version(),
                    Map.copyOf(highest), null);
        }
        metrics.classify().record(Duration.ofNanos(System.nanoTime() - t0));
        metrics.classified(LocalClassification.NAME,
                result.error() != null ? "failed" : LocalClassification.top(result.scores()));
        return scanned.withLocal(result);
    }

    /**
     * Runs the enabled scanner plugins on a scanned image. A scanner that fails or times out is counted and
     * recorded as a failure, which sends the media to review.
     */
    public Scan classify(Scan scan, byte[] bytes, String url, Instance instance) {
        if (!scan.scanned()) return scan;
        String kind = instance == null ? null : instance.kind().wireName(); // plugins name kinds as strings
        Map<String, Double> flagged = new LinkedHashMap<>();
        List<Classification.Result> results = new ArrayList<>();
        String error = null;
        if (scan.local() != null) {
            results.add(scan.local());
            if (scan.local().error() != null) error = LocalClassification.NAME + ": " + scan.local().error();
        }
        for (Scanners.Configured scanner : scanners.forInstanceKind(kind)) {
            try {
                Map<String, Double> scores = scanner.scan().scan(bytes, scan.mediaType(), url);
                scores.forEach((label, score) -> {
                    if (score >= scanner.threshold()) flagged.merge(label, score, Math::max);
                });
                results.add(new Classification.Result(scanner.name(), null, null, Map.copyOf(scores), null));
                metrics.classified(scanner.name(), LocalClassification.top(scores));
            } catch (Exception e) {
                metrics.scannerFailure(scanner.name());
                String why = ImageDecoder.oneLine(e);
                results.add(new Classification.Result(scanner.name(), null, null, null, why));
                if (error == null) error = scanner.name() + ": " + why;
                break; // a failed scanner already sends the media to review
            }
        }
        return scan.classified(new Classification(error == null ? flagged : Map.of(), error, List.copyOf(results)));
    }

    /** Matches a scan against every bank (nothing for an unscanned item). */
    public BankService.MatchOutcome match(Scan scan) {
        if (!scan.scanned()) return new BankService.MatchOutcome(List.of(), List.of(), List.of());
        long start = System.nanoTime();
        try {
            return banks.match(scan.video() != null ? probes(scan.video().signals()) : probes(scan.signals()));
        } finally {
            metrics.match().record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    static List<Matcher.Probe> probes(Signals s) {
        return List.of(
                new Matcher.Probe(SignalType.PDQ, s.pdq().hash().hex(), s.pdq().dihedral(), s.pdq().quality()),
                new Matcher.Probe(SignalType.PHASH, PerceptualHashes.hex(s.phash()), null, null),
                new Matcher.Probe(SignalType.DHASH, PerceptualHashes.hex(s.dhash()), null, null),
                new Matcher.Probe(SignalType.MD5, s.md5(), null, null),
                new Matcher.Probe(SignalType.SHA256, s.sha256(), null, null));
    }

    /** A video's probes: its frames (against banked videos and, frame by frame, image entries) and its digests. */
    static List<Matcher.Probe> probes(VideoSignals v) {
        List<Matcher.Probe> probes = new ArrayList<>();
        if (!v.vpdq().isEmpty()) probes.add(new Matcher.Probe(SignalType.VPDQ, Vpdq.canonical(v.vpdq()), null, null));
        probes.add(new Matcher.Probe(SignalType.VIDEO_MD5, v.videoMd5(), null, null));
        // the same file banked as an image (an animated GIF) is known by its MD5 too
        probes.add(new Matcher.Probe(SignalType.MD5, v.videoMd5(), null, null));
        probes.add(new Matcher.Probe(SignalType.SHA256, v.sha256(), null, null));
        return probes;
    }

    /**
     * Processes a leased work item: its stored bytes or a download, then the scan. A transient download
     * failure puts the item back with a backoff until {@code maxAttempts}; after that it is recorded as
     * {@code fetch_failed} and goes to review.
     */
    public void process(long mediaId, String worker) {
        MediaRecord media = jdbi.withExtension(MediaDao.class, d -> d.find(mediaId)).orElse(null);
        if (media == null || media.done()) return;
        byte[] bytes = jdbi.withExtension(MediaDao.class, d -> d.pendingBytes(mediaId)).orElse(null);
        // looked up once: the local classifier's policy needs its name, the scanner plugins its kind
        Instance instance = media.source().instanceId() == null ? null
                : instances.find(media.source().instanceId()).orElse(null);
        Scan scan;
        if (bytes != null) {
            scan = classify(scan(bytes, instance), bytes, null, instance);
        } else if (media.source().fetchUrl() == null) {
            scan = new Scan(ScanOutcome.FETCH_FAILED, "no bytes and no URL to fetch", 0, null, null);
        } else {
            long start = System.nanoTime();
            // a video or gifv attachment is fetched in full, under the video byte cap
            boolean video = jdbi.withExtension(MediaDao.class, d -> d.fetchesVideo(mediaId));
            URI uri = URI.create(media.source().fetchUrl());
            FetchResult fetched = video ? fetcher.fetchVideo(uri, videos.decoder().limits().maxBytes())
                    : fetcher.fetch(uri);
            metrics.fetch().record(Duration.ofNanos(System.nanoTime() - start));
            if (fetched.isOk() && video && !VideoHasher.isVideo(fetched.bytes())
                    && fetched.bytes().length > fetcher.settings().maxBytes()) {
                // announced as a video but not one: the image cap holds
                scan = new Scan(ScanOutcome.TOO_LARGE, fetched.bytes().length + " bytes is over the image limit of "
                        + fetcher.settings().maxBytes() + " bytes", fetched.bytes().length, null, null);
            } else if (fetched.isOk()) {
                scan = classify(scan(fetched.bytes(), instance), fetched.bytes(), media.source().fetchUrl(), instance);
            } else if (fetched.retryable() && media.work().attempts() < maxAttempts) {
                Instant next = clock.instant().plus(backoff(media.work().attempts()));
                jdbi.useExtension(MediaDao.class, d -> d.retryAt(mediaId, next, fetched.reason()));
                log.info("event=fetch_retry media={} attempt={} max_attempts={} reason=\"{}\"", mediaId, media.work().attempts(),
                        maxAttempts, fetched.reason());
                return;
            } else {
                scan = new Scan(ScanOutcome.of(fetched.outcome()), fetched.reason(), 0, null, null);
            }
        }
        record(media, instance, worker, scan, match(scan));
    }

    /** Whether the source said the media's post is public (its kept context; no context: not known, not public). */
    private boolean isPublic(long mediaId) {
        return jdbi.withExtension(PostDao.class, d -> d.find(mediaId)).map(r -> r.context().isPublic()).orElse(false);
    }

    /** 1 s, 2 s, 4 s, ... capped at 5 minutes. */
    static Duration backoff(int attemptsSoFar) {
        return Duration.ofSeconds(Math.min(300, 1L << Math.min(20, Math.max(0, attemptsSoFar - 1))));
    }

    /**
     * Records the result in one transaction, unless another worker already finished the item. Returns the
     * decision (for the synchronous callers). {@code instance}: where the media came from, for its own
     * thresholds (null: the scan API without an instance).
     */
    public Decision record(MediaRecord media, Instance instance, String worker, Scan scan, BankService.MatchOutcome found) {
        BankService.MatchOutcome outcome = floodGated(media.id(), found);
        MediaDao.DecisionFlags flags = jdbi.withExtension(MediaDao.class, d -> d.decisionFlags(media.id()));
        boolean marked = Boolean.TRUE.equals(flags.sensitive());
        Decision decided = decide(media, instance, scan, outcome, marked);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Decision decision = decided.automatic()
                && !flags.automaticActions()
                ? decided.heldForReview("sent by a scan token not bound to the instance") : decided;
        Risk risk = decider.risk(scan.scanned() ? null : scan.outcome().wireName(), outcome.matches(),
                scan.classification(), marked, media.source().reportCount(),
                new Decider.Author(media.source().instanceId(), media.source().accountId(), media.source().acct()),
                media.id(), now, isPublic(media.id()));
        String riskReasons;
        try {
            // each reason's text is clipped where it is built (Risk.Reason), so the list fits its column whole
            riskReasons = json.writeValueAsString(risk.toJson().get("reasons"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean recorded = jdbi.inTransaction(h -> {
            MediaDao dao = h.attach(MediaDao.class);
            if (dao.lockProcessing(media.id()).isEmpty()) return false; // finished by someone else meanwhile
            MatchDao matches = h.attach(MatchDao.class);
            matches.deleteFor(media.id());
            matches.insertAll(matchRows(media.id(), outcome));
            finish(dao, media.id(), scan, decision, risk.score(), riskReasons, now);
            recordClassifications(h.attach(ClassificationDao.class), media.id(), scan, now);
            FileMetadataDao files = h.attach(FileMetadataDao.class);
            files.deleteFor(media.id());
            if (!scan.metadata().isEmpty()) files.insert(media.id(), scan.metadata());
            cases.decided(h, media.id(), decision, now);
            return true;
        });
        if (recorded) {
            metrics.processed(scan.outcome().wireName(), decision.decision().wireName());
            log.info("event=media_done media={} outcome={} decision={} priority={} worker={} reason=\"{}\"", media.id(),
                    scan.outcome(), decision.decision(), decision.priority(), worker, decision.reason());
        }
        return decision;
    }

    /** Matches in a bank that flood control just stopped count only as observed (see {@link FloodGate}). */
    private BankService.MatchOutcome floodGated(long mediaId, BankService.MatchOutcome outcome) {
        java.util.Set<Long> stopped = new java.util.HashSet<>();
        java.util.Set<Long> asked = new java.util.HashSet<>();
        for (BankService.BankMatch m : outcome.matches()) {
            long bankId = m.bank().id();
            if (m.match().observe() || !asked.add(bankId)) continue;
            if (!flood.admit(bankId, mediaId)) stopped.add(bankId);
        }
        if (stopped.isEmpty()) return outcome;
        List<BankService.BankMatch> gated = new ArrayList<>(outcome.matches().size());
        for (BankService.BankMatch m : outcome.matches()) {
            if (!stopped.contains(m.bank().id())) {
                gated.add(m);
                continue;
            }
            Matcher.Match x = m.match();
            gated.add(new BankService.BankMatch(new Matcher.Match(x.bankId(), x.bank(), x.entryId(), x.signalType(),
                    x.distance(), x.variant(), x.allowBank(), true), m.bank(), m.labels()));
        }
        return new BankService.MatchOutcome(gated, outcome.allowed(), outcome.vetoed());
    }

    private Decision decide(MediaRecord media, Instance instance, Scan scan, BankService.MatchOutcome outcome,
                            boolean marked) {
        if (!scan.scanned()) return decider.unscanned(scan.outcome().wireName(), scan.reason(), media.source().reportCount());
        return decider.scanned(outcome.matches(), scan.classification(), media.source().reportCount(), marked,
                instance == null ? null : instance.name());
    }

    /** Every classifier's answer with its model, replacing an earlier run's. */
    private void recordClassifications(ClassificationDao dao, long mediaId, Scan scan, Instant now) {
        dao.deleteFor(mediaId);
        if (scan.classification() == null) return;
        for (Classification.Result r : scan.classification().results()) {
            String scores;
            try {
                scores = r.scores() == null ? null : json.writeValueAsString(r.scores());
                if (scores != null && scores.length() > 8000) scores = null; // a plugin with thousands of labels
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            dao.insert(new ClassificationDao.Row(mediaId, Columns.truncate(r.classifier(), 100), r.model(), r.version(),
                    scores, r.error() == null ? null : Columns.truncate(r.error(), 500), now));
        }
    }

    private static List<MatchRecord> matchRows(long mediaId, BankService.MatchOutcome outcome) {
        List<MatchRecord> rows = new ArrayList<>();
        for (BankService.BankMatch m : outcome.matches()) rows.add(row(mediaId, m, false));
        for (BankService.BankMatch m : outcome.vetoed()) rows.add(row(mediaId, m, true));
        // the allow-bank hits, as context for the case: stored as not counting (vetoed), like what they veto
        for (BankService.BankMatch m : outcome.allowed()) rows.add(row(mediaId, m, true));
        return rows;
    }

    private static MatchRecord row(long mediaId, BankService.BankMatch m, boolean vetoed) {
        Matcher.VideoEvidence v = m.match().video();
        return new MatchRecord(0, mediaId, m.bank().id(), m.bank().name(), m.match().entryId(),
                m.match().signalType().wireName(), m.match().distance(), m.match().variant(),
                String.join(",", m.labels()), m.match().observe(), vetoed,
                v == null ? null : v.bankedPercent(), v == null ? null : v.uploadPercent(),
                v == null ? null : v.uploadAt(), v == null ? null : v.bankedAt());
    }

    /** Records the scan's hashes, verdict (with its risk) and previews (an unscanned item keeps only its size, if known). */
    private static void finish(MediaDao dao, long id, Scan scan, Decision decision, int riskScore, String riskReasons,
                               Instant now) {
        Signals s = scan.signals();
        if (scan.video() != null) {
            finishVideo(dao, id, scan, decision, riskScore, riskReasons, now);
            return;
        }
        if (s == null) {
            MediaRecord.Hashes size = scan.byteSize() > 0 ? new MediaRecord.Hashes(null, null, null, scan.byteSize(),
                    null, null, null, null, null, null, null) : null;
            dao.finish(id, size, new MediaRecord.Verdict(scan.outcome(), scan.reason(), decision.decision(),
                    decision.priority(), now), riskScore, riskReasons, null, null);
            return;
        }
        String dihedral = s.pdq().dihedral().stream().map(PdqHash::hex).collect(Collectors.joining(","));
        MediaRecord.Hashes hashes = new MediaRecord.Hashes(s.format().label(), s.width(), s.height(), scan.byteSize(),
                s.pdq().hash().hex(), s.pdq().quality(), dihedral, PerceptualHashes.hex(s.phash()),
                PerceptualHashes.hex(s.dhash()), s.md5(), s.sha256());
        Derivatives d = scan.derivatives();
        dao.finish(id, hashes, new MediaRecord.Verdict(scan.outcome(), null, decision.decision(), decision.priority(),
                now), riskScore, riskReasons, d.preview().bytes(), d.reveal().bytes());
    }

    /** Longest vPDQ text stored with the media (the column's size); a longer one is matched but not kept. */
    private static final int MAX_STORED_VPDQ = 100_000;

    private static void finishVideo(MediaDao dao, long id, Scan scan, Decision decision, int riskScore,
                                    String riskReasons, Instant now) {
        VideoSignals v = scan.video().signals();
        MediaRecord.Hashes hashes = new MediaRecord.Hashes(v.format().label(), v.width(), v.height(), scan.byteSize(),
                null, null, null, null, null, v.videoMd5(), v.sha256());
        Derivatives d = scan.derivatives();
        dao.finish(id, hashes, new MediaRecord.Verdict(scan.outcome(), null, decision.decision(), decision.priority(),
                now), riskScore, riskReasons, d.preview().bytes(), d.reveal().bytes());
        String vpdq = Vpdq.canonical(v.vpdq());
        dao.videoSignals(id, vpdq.length() <= MAX_STORED_VPDQ ? vpdq : null, v.videoMd5(),
                Math.round(v.durationSeconds() * 1000) / 1000.0);
        List<SheetFrame> sheet = scan.video().sheet();
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < sheet.size(); i++) {
            dao.insertBlob(id, MediaDao.sheetPreview(i), sheet.get(i).derivatives().preview().bytes());
            dao.insertBlob(id, MediaDao.sheetReveal(i), sheet.get(i).derivatives().reveal().bytes());
            if (i > 0) times.append(',');
            times.append(Math.round(sheet.get(i).timestamp() * 1000) / 1000.0);
        }
        dao.contactSheet(id, times.toString());
    }
}
