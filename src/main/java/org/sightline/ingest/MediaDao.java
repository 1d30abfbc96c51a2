package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Media rows, which are also the pipeline's work items (claimed with {@code FOR UPDATE SKIP LOCKED}). */
@RegisterConstructorMapper(MediaRecord.class)
public interface MediaDao {

    /** What an ingest route knows of a new media item. */
    record NewMedia(Long instanceId, String origin, String sourceKey, String statusId, String statusUrl,
                    String accountId, String acct, String attachmentId, String fetchUrl, String reportId,
                    String reportComment, int reportCount, String metadata, byte[] pendingBytes, int priority,
                    Instant createdAt) {
    }

    @SqlUpdate("INSERT INTO media (instance_id, origin, source_key, status_id, status_url, account_id, acct,"
            + " attachment_id, fetch_url, report_id, report_comment, report_count, metadata, state, attempts,"
            + " next_attempt_at, pending_bytes, priority, created_at) VALUES (:instanceId, :origin, :sourceKey,"
            + " :statusId, :statusUrl, :accountId, :acct, :attachmentId, :fetchUrl, :reportId, :reportComment,"
            + " :reportCount, :metadata, 'queued', 0, :createdAt, :pendingBytes, :priority, :createdAt)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods NewMedia media);

    @SqlQuery("SELECT " + MediaRecord.COLUMNS + " FROM media WHERE id = :id")
    Optional<MediaRecord> find(@Bind("id") long id);

    @SqlQuery("SELECT " + MediaRecord.COLUMNS + " FROM media WHERE instance_id = :instanceId AND source_key = :sourceKey")
    Optional<MediaRecord> findBySource(@Bind("instanceId") long instanceId, @Bind("sourceKey") String sourceKey);

    @SqlQuery("SELECT " + MediaRecord.COLUMNS + " FROM media WHERE instance_id = :instanceId AND status_id = :statusId"
            + " ORDER BY id")
    List<MediaRecord> findByStatus(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId);

    /** The next item due (or whose worker's lease ran out), locked; other nodes skip it. */
    @SqlQuery("SELECT id FROM media WHERE (state = 'queued' AND next_attempt_at <= :now)"
            + " OR (state = 'processing' AND lease_until < :now)"
            + " ORDER BY priority DESC, id FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")
    Optional<Long> lockNextDue(@Bind("now") Instant now);

    /** This item, locked, if it is still waiting (the scan API processes its own item at once). */
    @SqlQuery("SELECT id FROM media WHERE id = :id AND state = 'queued' FOR UPDATE SKIP LOCKED")
    Optional<Long> lockIfQueued(@Bind("id") long id);

    /** Locks the row for the finishing transaction and says who holds its lease. */
    @SqlQuery("SELECT leased_by FROM media WHERE id = :id AND state = 'processing' FOR UPDATE")
    Optional<String> lockProcessing(@Bind("id") long id);

    @SqlUpdate("UPDATE media SET state = 'processing', lease_until = :until, leased_by = :worker,"
            + " attempts = attempts + 1 WHERE id = :id")
    void lease(@Bind("id") long id, @Bind("until") Instant until, @Bind("worker") String worker);

    @SqlQuery("SELECT pending_bytes FROM media WHERE id = :id")
    Optional<byte[]> pendingBytes(@Bind("id") long id);

    @SqlUpdate("UPDATE media SET state = 'queued', next_attempt_at = :at, lease_until = NULL, leased_by = NULL,"
            + " reason = :reason WHERE id = :id")
    void retryAt(@Bind("id") long id, @Bind("at") Instant at, @Bind("reason") String reason);

    /** The result of one scan. */
    record Finished(long id, String outcome, String reason, String format, Integer width, Integer height, Long byteSize,
                    String pdq, Integer pdqQuality, String pdqDihedral, String phash, String dhash, String md5,
                    String sha256, String decision, int priority, byte[] preview, byte[] reveal, Instant processedAt) {
    }

    @SqlUpdate("UPDATE media SET state = 'done', outcome = :outcome, reason = :reason, format = :format, width = :width,"
            + " height = :height, byte_size = :byteSize, pdq = :pdq, pdq_quality = :pdqQuality,"
            + " pdq_dihedral = :pdqDihedral, phash = :phash, dhash = :dhash, md5 = :md5, sha256 = :sha256,"
            + " decision = :decision, priority = :priority, preview = :preview, reveal = :reveal,"
            + " processed_at = :processedAt, pending_bytes = NULL, lease_until = NULL, leased_by = NULL WHERE id = :id")
    void finish(@BindMethods Finished finished);

    /** A further report about media already known: it counts, and raises the case's priority. */
    @SqlUpdate("UPDATE media SET report_count = report_count + 1, report_id = :reportId,"
            + " report_comment = :comment, priority = priority + :boost WHERE id = :id")
    void addReport(@Bind("id") long id, @Bind("reportId") String reportId, @Bind("comment") String comment,
                   @Bind("boost") int boost);

    @SqlQuery("SELECT preview FROM media WHERE id = :id")
    Optional<byte[]> preview(@Bind("id") long id);

    @SqlQuery("SELECT reveal FROM media WHERE id = :id")
    Optional<byte[]> reveal(@Bind("id") long id);

    @SqlQuery("SELECT COUNT(*) FROM media WHERE state <> 'done'")
    long countUnfinished();

    @SqlQuery("SELECT COUNT(*) FROM media WHERE state = 'done' AND outcome <> 'scanned' AND processed_at >= :since")
    long countUnscannedSince(@Bind("since") Instant since);
}
