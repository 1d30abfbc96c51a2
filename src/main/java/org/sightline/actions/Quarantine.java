package org.sightline.actions;

import org.sightline.store.Periodic;

import org.sightline.common.Digests;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.config.SecretBox;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code quarantine} action and its evidence store: the original bytes, fetched again (SSRF-safe) and
 * checked against the SHA-256 recorded when the media was scanned, kept encrypted with hashes, source,
 * times and requester for the configured retention; read back only by admins, every read recorded.
 */
public final class Quarantine implements Action {
    private final Jdbi jdbi;
    private final MediaFetcher fetcher;
    private final SecretBox box;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration retention;
    private Periodic purger;

    public Quarantine(Jdbi jdbi, MediaFetcher fetcher, SecretBox box, AuditLog audit, Clock clock, Duration retention) {
        this.jdbi = jdbi;
        this.fetcher = fetcher;
        this.box = box;
        this.audit = audit;
        this.clock = clock;
        this.retention = retention;
    }

    /** A stored piece of evidence (without its bytes). */
    public record Evidence(long id, long mediaId, long requestId, String sha256, String md5, long byteSize,
                           String sourceUrl, Instant fetchedAt, String requestedBy, Instant retainUntil) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", id);
            m.put("media_id", mediaId);
            m.put("request_id", requestId);
            m.put("sha256", sha256);
            m.put("md5", md5);
            m.put("byte_size", byteSize);
            m.put("source_url", sourceUrl);
            m.put("fetched_at", fetchedAt.toString());
            m.put("requested_by", requestedBy);
            m.put("retain_until", retainUntil.toString());
            return m;
        }
    }

    @RegisterConstructorMapper(Evidence.class)
    public interface Dao {
        @SqlUpdate("INSERT INTO quarantine (media_id, request_id, sha256, md5, byte_size, source_url, fetched_at,"
                + " requested_by, retain_until, sealed_bytes) SELECT :mediaId, :requestId, :sha256, :md5, :size, :url, :at,"
                + " :by, :until, :sealed WHERE NOT EXISTS (SELECT 1 FROM quarantine WHERE request_id = :requestId)")
        int insert(@Bind("mediaId") long mediaId, @Bind("requestId") long requestId, @Bind("sha256") String sha256,
                   @Bind("md5") String md5, @Bind("size") long size, @Bind("url") String url, @Bind("at") Instant at,
                   @Bind("by") String by, @Bind("until") Instant until, @Bind("sealed") byte[] sealed);

        @SqlQuery("SELECT id, media_id, request_id, sha256, md5, byte_size, source_url, fetched_at, requested_by,"
                + " retain_until FROM quarantine WHERE id = :id")
        Optional<Evidence> find(@Bind("id") long id);

        @SqlQuery("SELECT id, media_id, request_id, sha256, md5, byte_size, source_url, fetched_at, requested_by,"
                + " retain_until FROM quarantine ORDER BY id")
        List<Evidence> list();

        @SqlQuery("SELECT sealed_bytes FROM quarantine WHERE id = :id")
        Optional<byte[]> sealed(@Bind("id") long id);

        @SqlUpdate("INSERT INTO quarantine_access (quarantine_id, accessed_by, at) VALUES (:id, :by, :at)")
        void recordAccess(@Bind("id") long id, @Bind("by") String by, @Bind("at") Instant at);

        @SqlUpdate("DELETE FROM quarantine_access WHERE quarantine_id IN (SELECT id FROM quarantine WHERE retain_until < :now)")
        void purgeAccess(@Bind("now") Instant now);

        @SqlUpdate("DELETE FROM quarantine WHERE retain_until < :now")
        int purge(@Bind("now") Instant now);
    }

    @Override
    public String name() {
        return "quarantine";
    }

    @Override
    public Set<String> handles() {
        return Set.of("quarantine");
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of();
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of();
    }

    @Override
    public ActionOutcome execute(ActionContext c) {
        String url = c.media().fetchUrl();
        if (url == null) return ActionOutcome.failed(null, "no source URL to fetch the original from");
        FetchResult fetched = fetcher.fetch(URI.create(url));
        if (!fetched.isOk()) {
            return fetched.retryable() ? ActionOutcome.retry(fetched.status(), "quarantine fetch: " + fetched.reason())
                    : ActionOutcome.failed(fetched.status(), "quarantine fetch: " + fetched.reason());
        }
        byte[] bytes = fetched.bytes();
        String sha256 = Digests.sha256Hex(bytes);
        if (c.media().sha256() != null && !c.media().sha256().equals(sha256)) {
            return ActionOutcome.failed(null, "the file at the source changed since it was scanned (SHA-256 differs)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        byte[] sealed = box.seal(Base64.getEncoder().encodeToString(bytes), context(c.requestId()))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        jdbi.useExtension(Dao.class, d -> d.insert(c.media().id(), c.requestId(), sha256,
                Digests.md5Hex(bytes), bytes.length, MediaFetcher.redact(fetched.finalUri()), now,
                c.requestedBy(), now.plus(retention), sealed));
        return ActionOutcome.done(fetched.status(), "quarantined " + bytes.length + " bytes, sha256 " + sha256);
    }

    public List<Evidence> list() {
        purgeExpired();
        return jdbi.withExtension(Dao.class, Dao::list);
    }

    /** The evidence and its original bytes, for an admin; the read is recorded first. */
    public Optional<Map.Entry<Evidence, byte[]>> export(long id, String admin) {
        purgeExpired();
        return jdbi.inTransaction(h -> {
            Dao dao = h.attach(Dao.class);
            Optional<Evidence> e = dao.find(id);
            if (e.isEmpty()) return Optional.empty();
            dao.recordAccess(id, admin, clock.instant().truncatedTo(ChronoUnit.MICROS));
            audit.append(h, admin, "quarantine_export", "quarantine:" + id, "media:" + e.get().mediaId());
            String sealed = new String(dao.sealed(id).orElseThrow(), java.nio.charset.StandardCharsets.US_ASCII);
            byte[] bytes = Base64.getDecoder().decode(box.open(sealed, context(e.get().requestId())));
            return Optional.of(Map.entry(e.get(), bytes));
        });
    }

    /** Drops evidence past its retention; what it deleted is in the audit log, with the deletion. */
    public int purgeExpired() {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            Dao dao = h.attach(Dao.class);
            dao.purgeAccess(now);
            int deleted = dao.purge(now);
            if (deleted > 0) audit.append(h, AuditLog.SYSTEM, "quarantine_purge", "quarantine", "deleted=" + deleted);
            return deleted;
        });
    }

    /** Deletes evidence past its retention every {@code every}, whether or not anyone reads the quarantine. */
    public synchronized void startPurging(Duration every) {
        if (purger == null) purger = Periodic.every("quarantine-purge", every, this::purgeExpired);
    }

    public synchronized void stopPurging() {
        Periodic.close(purger);
        purger = null;
    }

    private static String context(long requestId) {
        return "quarantine:" + requestId;
    }
}
