package org.sightline.ingest.misskey;

import org.sightline.store.Periodic;
import org.sightline.instances.PollState;
import org.sightline.instances.Polls;
import org.sightline.store.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.ingest.ClassificationDao;
import org.sightline.ingest.IngestMetrics;
import org.sightline.ingest.MediaDao;
import org.sightline.ingest.PostDao;
import org.sightline.ingest.post.PostContext;
import org.sightline.store.Columns;
import org.sightline.instances.Instance;
import org.sightline.instances.InstanceKind;
import org.sightline.instances.InstanceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Misskey has no instance-wide webhook for new media, so Sightline asks: every {@code interval} it lists the
 * files uploaded since the last poll ({@code POST /api/admin/drive/files}, a moderator's token with
 * {@code read:admin:drive}) and queues each image and video (a video as a whole file), like a webhook's attachment
 * (drive file id as the attachment, uploader as the account). The first poll only notes where "now" is. Each page's media and the new cursor
 * commit together, so a crash re-reads at most one page and duplicates are recognised by their source key; a
 * lease, renewed with every page, lets one poll at a time work on an instance.
 */
public final class MisskeyPoller implements Polls, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MisskeyPoller.class);
    static final int PAGE = 100;
    /** Misskey ids (and its error codes) are short words of letters and digits. */
    private static final java.util.regex.Pattern MISSKEY_ID = java.util.regex.Pattern.compile("[a-zA-Z0-9]{1,64}");
    private static final java.util.regex.Pattern ERROR_CODE = java.util.regex.Pattern.compile("[A-Z0-9_]{1,64}");
    /**
     * The cursor of an instance that had no file at all when first polled: below every Misskey id (they are
     * alphanumeric), so the next poll starts from its first file.
     */
    private static final String FROM_THE_START = "0";

    public interface Dao {
        @SqlUpdate("INSERT INTO instance_polls (instance_id, files_queued) VALUES (:id, 0)")
        void create(@Bind("id") long instanceId);

        @SqlQuery("SELECT cursor_id, polled_at, files_queued, last_error, error_at FROM instance_polls"
                + " WHERE instance_id = :id")
        @RegisterConstructorMapper(PollState.class)
        Optional<PollState> state(@Bind("id") long instanceId);

        /** Takes the poll if nobody holds it and it is due; {@code lease} is new for every claim. */
        @SqlUpdate("UPDATE instance_polls SET lease_until = :until, leased_by = :lease WHERE instance_id = :id"
                + " AND (lease_until IS NULL OR lease_until < :now) AND (polled_at IS NULL OR polled_at <= :due)")
        int claim(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("now") Instant now,
                  @Bind("until") Instant until, @Bind("due") Instant due);

        /** Moves the cursor and renews the lease, only while {@code lease} still holds it. */
        @SqlUpdate("UPDATE instance_polls SET cursor_id = :cursor, files_queued = files_queued + :queued,"
                + " lease_until = :until WHERE instance_id = :id AND leased_by = :lease AND lease_until > :now")
        int advance(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("cursor") String cursor,
                    @Bind("queued") int queued, @Bind("now") Instant now, @Bind("until") Instant until);

        @SqlUpdate("UPDATE instance_polls SET polled_at = :now, last_error = NULL, error_at = NULL,"
                + " lease_until = NULL, leased_by = NULL WHERE instance_id = :id AND leased_by = :lease")
        void released(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("now") Instant now);

        @SqlUpdate("UPDATE instance_polls SET polled_at = :now, last_error = :error, error_at = :now,"
                + " lease_until = NULL, leased_by = NULL WHERE instance_id = :id AND leased_by = :lease")
        void failed(@Bind("id") long instanceId, @Bind("lease") String lease, @Bind("now") Instant now,
                    @Bind("error") String error);
    }

    /** A poll that could not be made; {@code getMessage()} is safe to show (never the token or a body). */
    static final class PollFailure extends Exception {
        PollFailure(String message) {
            super(message);
        }
    }

    private final Jdbi jdbi;
    private final InstanceService instances;
    private final IngestMetrics metrics;
    private final Runnable wakeWorkers;
    private final Clock clock;
    private final Duration interval;
    private final String origin;
    private final int maxPages;
    /** How long a claimed poll is held; renewed with every page, so only a stuck poll loses it. */
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final String node = "misskey-" + UUID.randomUUID().toString().substring(0, 8);
    private final Duration settle;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private Periodic timer;

    /**
     * @param origin   which uploads to scan: {@code local} (this instance's users), {@code remote} or {@code combined}
     * @param maxPages pages of {@value PAGE} images read per instance and round at most (the rest next round)
     * @param settle   how long after its id's time a file may still appear (uploads are stored after their id
     *                 is made); the most recent files are read again until they are this old
     */
    public MisskeyPoller(Jdbi jdbi, InstanceService instances, IngestMetrics metrics, Runnable wakeWorkers, Clock clock,
                         Duration interval, String origin, int maxPages, Duration settle) {
        if (!List.of("local", "remote", "combined").contains(origin)) {
            throw new org.sightline.config.ConfigException("misskey.origin must be local, remote or combined, got " + origin);
        }
        this.jdbi = jdbi;
        this.instances = instances;
        this.metrics = metrics;
        this.wakeWorkers = wakeWorkers;
        this.clock = clock;
        this.interval = interval;
        this.origin = origin;
        this.maxPages = maxPages;
        this.settle = settle;
    }

    /** Starts polling every Misskey instance with a token; an interval of zero or less means never. */
    public synchronized void start() {
        if (timer != null) return;
        // the first round one interval after start: a restart does not make every node poll at once
        timer = Periodic.every("misskey-poll", interval, this::pollAll);
    }

    private void pollAll() {
        for (Instance i : instances.list()) {
            if (i.kind() != InstanceKind.MISSKEY || i.apiToken() == null) continue;
            try {
                poll(i, false);
            } catch (RuntimeException e) {
                // keep the schedule alive; the next round tries again
                log.warn("event=misskey_poll_failed instance={} error={}", i.name(), e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Polls one instance now if it is due ({@code force}: even if not) and no other poll holds it; returns the
     * number of files queued, or empty when this call did not poll. A failure is kept for the admin to see.
     */
    @Override
    public Optional<Integer> poll(Instance instance, boolean force) {
        Optional<String> token = instances.apiToken(instance);
        if (token.isEmpty()) return Optional.empty();
        Instant now = now();
        Dao dao = jdbi.onDemand(Dao.class);
        if (dao.state(instance.id()).isEmpty()) {
            try {
                dao.create(instance.id());
            } catch (RuntimeException e) {
                if (!Sql.isUniqueViolation(e)) throw e; // another node created it first
            }
        }
        Instant due = force ? now : now.minus(interval).plusMillis(interval.toMillis() / 10);
        // a fresh lease per claim: the timer and "Poll now" on one node are two holders too
        String lease = node + ":" + UUID.randomUUID().toString().substring(0, 8);
        if (dao.claim(instance.id(), lease, now, now.plus(LEASE), due) != 1) return Optional.empty();
        String error = null;
        int queued = 0;
        int read = 0;
        try {
            String cursor = dao.state(instance.id()).map(PollState::cursorId).orElse(null);
            if (cursor == null) {
                // first poll: start from "now" (less the settling time), scanning nothing older
                List<JsonNode> newest = list(instance, token.get(), null, PAGE);
                advance(instance, lease, newest.isEmpty() ? FROM_THE_START : settledCursor(newest, newest.get(0)
                        .path("id").asText(FROM_THE_START)), 0);
            } else {
                // pages are fetched after the last file seen; the stored cursor stays behind files too recent
                // to be sure no slower upload with a smaller id is still on its way
                String after = cursor;
                boolean held = false; // once a file is too recent, the cursor waits there for this round
                for (int page = 0; page < maxPages; page++) {
                    List<JsonNode> files = list(instance, token.get(), after, PAGE);
                    if (files.isEmpty()) break;
                    read += files.size();
                    String settled = held ? cursor : settledCursor(files, cursor);
                    held = held || !settled.equals(files.get(files.size() - 1).path("id").asText(""));
                    cursor = settled;
                    queued += queuePage(instance, lease, cursor, files);
                    after = files.get(files.size() - 1).path("id").asText(after);
                    if (files.size() < PAGE) break;
                }
            }
            instances.recordEvent(instance);
        } catch (PollFailure e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            // a database or other failure must not look like a good poll: the admin sees it, the next round retries
            error = "internal error: " + e.getClass().getSimpleName();
            log.error("event=misskey_poll_error instance={} error={}", instance.name(), org.sightline.store.Sql.describe(e));
        } finally {
            if (error == null) {
                dao.released(instance.id(), lease, now());
            } else {
                log.warn("event=misskey_poll_failed instance={} reason=\"{}\"", instance.name(), error);
                dao.failed(instance.id(), lease, now(), truncate(error));
            }
        }
        metrics.seen(instance.name(), "poll", read, queued);
        if (queued > 0) {
            wakeWorkers.run();
            log.info("event=misskey_polled instance={} queued={}", instance.name(), queued);
        }
        return Optional.of(queued);
    }

    @Override
    public Optional<PollState> state(Instance instance) {
        return jdbi.withExtension(Dao.class, d -> d.state(instance.id()));
    }

    /**
     * The id of the newest file in {@code files} (oldest first) created before the settling time, or
     * {@code cursor} when none is. Misskey gives a file its id before storing it, so a slow upload can appear
     * after a quicker one with a larger id; re-reading the recent tail catches it (repeats are recognised).
     */
    private String settledCursor(List<JsonNode> files, String cursor) {
        Instant settled = now().minus(settle);
        String safe = cursor;
        for (JsonNode f : files) {
            Instant created = createdAt(f);
            if (created != null && created.isAfter(settled)) break;
            safe = f.path("id").asText(safe);
        }
        return safe;
    }

    private static Instant createdAt(JsonNode file) {
        try {
            return Instant.parse(file.path("createdAt").asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            return null; // without a date the file counts as settled: never hold the cursor forever
        }
    }

    private void advance(Instance instance, String lease, String cursor, int queued) {
        advance(jdbi.onDemand(Dao.class), instance, lease, cursor, queued);
    }

    /** Moves the cursor under the lease; a lost lease rolls back the caller's transaction. */
    private void advance(Dao dao, Instance instance, String lease, String cursor, int queued) {
        Instant now = now();
        if (dao.advance(instance.id(), lease, cursor, queued, now, now.plus(LEASE)) != 1) {
            throw new IllegalStateException("poll lease of " + instance.name() + " expired");
        }
    }

    /** Queues one page's new images and stores the cursor in one transaction; returns how many were new. */
    private int queuePage(Instance instance, String lease, String cursor, List<JsonNode> files) {
        Instant now = now();
        return jdbi.inTransaction(h -> {
            MediaDao media = h.attach(MediaDao.class);
            int added = 0;
            for (JsonNode f : files) {
                String id = f.path("id").asText("");
                String url = scannable(f);
                if (url == null) continue; // audio, documents
                String userId = f.path("userId").asText(null);
                // what does not fit Misskey's own shapes (or the columns) is skipped, never a reason to stop
                if (!MISSKEY_ID.matcher(id).matches() || userId != null && !MISSKEY_ID.matcher(userId).matches()
                        || !(url.startsWith("https://") || url.startsWith("http://")) || url.length() > Columns.MEDIA_FETCH_URL) {
                    log.warn("event=misskey_file_skipped instance={} reason=unexpected_shape", instance.name());
                    continue;
                }
                String sourceKey = "file:" + id;
                if (media.findBySource(instance.id(), sourceKey).isPresent()) continue;
                JsonNode user = f.path("user");
                String acct = user.hasNonNull("username")
                        ? user.get("username").asText() + (user.hasNonNull("host") ? "@" + user.get("host").asText() : "")
                        : null;
                long mediaId = media.insert(new MediaDao.NewMedia(instance.id(), "misskey", sourceKey, new MediaDao.Post(null, null,
                        userId, Columns.fits(acct, Columns.MEDIA_ACCT) ? acct : null, id, url), MediaDao.Report.NONE,
                        null, null, 0, now));
                // the file's own flag, set by its uploader (Misskey's isSensitive)
                h.attach(ClassificationDao.class).setSensitive(mediaId, f.path("isSensitive").asBoolean(false));
                // a drive file carries no note (text, warning, visibility): the author and the flag are what is known
                h.attach(PostDao.class).put(mediaId, instance.id(), null, new PostContext(null, null,
                        f.path("isSensitive").asBoolean(false), null, null, acct,
                        user.hasNonNull("host") ? user.get("host").asText() : PostContext.hostOf(instance.baseUrl())), now);
                if (fetchedAsVideo(f)) media.fetchAsVideo(mediaId);
                added++;
            }
            advance(h.attach(Dao.class), instance, lease, cursor, added);
            return added;
        });
    }

    /** What to scan of a drive file: an image or a video itself (a video frame by frame), nothing for other files. */
    private static String scannable(JsonNode file) {
        String type = file.path("type").asText("");
        if (type.startsWith("image/") || type.startsWith("video/")) return file.path("url").asText("");
        return null;
    }

    /** Videos and the image types that animate (GIF, APNG) are fetched under the video byte cap. */
    private static boolean fetchedAsVideo(JsonNode file) {
        String type = file.path("type").asText("");
        return type.startsWith("video/") || type.equals("image/gif") || type.equals("image/apng");
    }

    /** One page of drive files, oldest first. */
    private List<JsonNode> list(Instance instance, String token, String sinceId, int limit) throws PollFailure {
        ObjectNode body = json.createObjectNode().put("i", token).put("limit", limit).put("origin", origin);
        if (sinceId != null) body.put("sinceId", sinceId);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/admin/drive/files"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("User-Agent", "Sightline/0.1 (+media scanning)")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        } catch (IllegalArgumentException e) {
            throw new PollFailure("bad instance URL");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PollFailure("connection failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PollFailure("interrupted");
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() != 200) {
            String code = answer == null ? "" : answer.path("error").path("code").asText("");
            if (!ERROR_CODE.matcher(code).matches()) code = ""; // only Misskey's own codes are repeated
            throw new PollFailure("admin/drive/files answered HTTP " + response.statusCode()
                    + (code.isEmpty() ? "" : " " + code) + hint(code));
        }
        if (answer == null || !answer.isArray()) throw new PollFailure("admin/drive/files did not answer a JSON array");
        List<JsonNode> files = new ArrayList<>();
        answer.forEach(files::add);
        if (sinceId == null) Collections.reverse(files); // without sinceId Misskey lists newest first
        return files;
    }

    /** What the admin can do about the usual refusals. */
    private static String hint(String code) {
        return switch (code) {
            case "AUTHENTICATION_FAILED", "CREDENTIAL_REQUIRED" -> ": the API token is not valid";
            case "PERMISSION_DENIED" -> ": the token lacks the read:admin:drive permission";
            case "ACCESS_DENIED", "ROLE_PERMISSION_DENIED" -> ": the token's account is not a moderator";
            default -> "";
        };
    }

    private static String truncate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public synchronized void close() {
        Periodic.close(timer);
        timer = null;
    }
}
