package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Ingest's media tables: the source row ({@code media}), its work item ({@code media_work}, claimed with
 * {@code FOR UPDATE SKIP LOCKED}), its hashes ({@code media_signals}), its verdict ({@code media_verdicts}) and
 * its blobs ({@code media_blobs}). Reads go through the {@code media_overview} view.
 */
@RegisterConstructorMapper(MediaRecord.class)
public interface MediaDao {

    /**
     * What a source knows of a new media item: where it came from ({@code sourceKey} de-duplicates per instance),
     * the post it belongs to, a report about it, and the bytes when they came with the event.
     */
    record NewMedia(Long instanceId, String origin, String sourceKey, Post post, Report report, String metadata,
                    byte[] pendingBytes, int priority, Instant createdAt) {
    }

    /** The post and attachment a media item belongs to, and where to fetch it; each part may be unknown (null). */
    record Post(String statusId, String statusUrl, String accountId, String acct, String attachmentId, String fetchUrl) {
        public static final Post NONE = new Post(null, null, null, null, null, null);
    }

    /** A report that brought the media in. */
    record Report(String reportId, String comment, int count) {
        public static final Report NONE = new Report(null, null, 0);
    }

    /** Stores the new item, queued for a worker, with the bytes to scan if it came with them. */
    @Transaction
    default long insert(NewMedia media) {
        long id = insertSource(media);
        insertWork(id, media.priority(), media.createdAt());
        if (media.pendingBytes() != null) insertBlob(id, PENDING, media.pendingBytes());
        return id;
    }

    @SqlUpdate("INSERT INTO media (instance_id, origin, source_key, status_id, status_url, account_id, acct,"
            + " attachment_id, fetch_url, report_id, report_comment, report_count, metadata, created_at)"
            + " VALUES (:instanceId, :origin, :sourceKey, :post.statusId, :post.statusUrl, :post.accountId, :post.acct,"
            + " :post.attachmentId, :post.fetchUrl, :report.reportId, :report.comment, :report.count, :metadata,"
            + " :createdAt)")
    @GetGeneratedKeys("id")
    long insertSource(@BindMethods NewMedia media);

    /** The item may open a case but never make Sightline act on its instance by itself. */
    @SqlUpdate("UPDATE media SET automatic_actions = FALSE WHERE id = :id")
    void withoutAutomaticActions(@Bind("id") long id);

    /** What a decision needs to know of the media row: marked sensitive by its author, automatic actions allowed. */
    record DecisionFlags(Boolean sensitive, boolean automaticActions) {
    }

    @SqlQuery("SELECT sensitive, automatic_actions FROM media WHERE id = :id")
    @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(DecisionFlags.class)
    DecisionFlags decisionFlags(@Bind("id") long id);

    @SqlUpdate("INSERT INTO media_work (media_id, state, attempts, next_attempt_at, priority)"
            + " VALUES (:id, 'queued', 0, :at, :priority)")
    void insertWork(@Bind("id") long id, @Bind("priority") int priority, @Bind("at") Instant at);

    String PENDING = "pending";
    String PREVIEW = "preview";
    String REVEAL = "reveal";

    @SqlUpdate("INSERT INTO media_blobs (media_id, kind, bytes) VALUES (:id, :kind, :bytes)")
    void insertBlob(@Bind("id") long id, @Bind("kind") String kind, @Bind("bytes") byte[] bytes);

    @SqlUpdate("DELETE FROM media_blobs WHERE media_id = :id AND kind = :kind")
    void deleteBlob(@Bind("id") long id, @Bind("kind") String kind);

    @SqlQuery("SELECT bytes FROM media_blobs WHERE media_id = :id AND kind = :kind")
    Optional<byte[]> blob(@Bind("id") long id, @Bind("kind") String kind);

    @SqlQuery("SELECT " + MediaRecord.COLUMNS + " FROM media_overview WHERE id = :id")
    Optional<MediaRecord> find(@Bind("id") long id);

    @SqlQuery("SELECT " + MediaRecord.COLUMNS + " FROM media_overview WHERE instance_id = :instanceId"
            + " AND source_key = :sourceKey")
    Optional<MediaRecord> findBySource(@Bind("instanceId") long instanceId, @Bind("sourceKey") String sourceKey);

    @SqlQuery("SELECT " + MediaRecord.COLUMNS + " FROM media_overview WHERE instance_id = :instanceId"
            + " AND status_id = :statusId ORDER BY id")
    List<MediaRecord> findByStatus(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId);

    /** The next item due (or whose worker's lease ran out), locked; other nodes skip it. */
    @SqlQuery("SELECT media_id FROM media_work WHERE (state = 'queued' AND next_attempt_at <= :now)"
            + " OR (state = 'processing' AND lease_until < :now)"
            + " ORDER BY priority DESC, media_id FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")
    Optional<Long> lockNextDue(@Bind("now") Instant now);

    /** This item, locked, if it is still waiting (the scan API processes its own item at once). */
    @SqlQuery("SELECT media_id FROM media_work WHERE media_id = :id AND state = 'queued' FOR UPDATE SKIP LOCKED")
    Optional<Long> lockIfQueued(@Bind("id") long id);

    /** Locks the work item for the finishing transaction and says who holds its lease. */
    @SqlQuery("SELECT leased_by FROM media_work WHERE media_id = :id AND state = 'processing' FOR UPDATE")
    Optional<String> lockProcessing(@Bind("id") long id);

    @SqlUpdate("UPDATE media_work SET state = 'processing', lease_until = :until, leased_by = :worker,"
            + " attempts = attempts + 1 WHERE media_id = :id")
    void lease(@Bind("id") long id, @Bind("until") Instant until, @Bind("worker") String worker);

    default Optional<byte[]> pendingBytes(long id) {
        return blob(id, PENDING);
    }

    @SqlUpdate("UPDATE media_work SET state = 'queued', next_attempt_at = :at, lease_until = NULL, leased_by = NULL,"
            + " last_error = :reason WHERE media_id = :id")
    void retryAt(@Bind("id") long id, @Bind("at") Instant at, @Bind("reason") String reason);

    /**
     * Records one scan: the hashes (null when nothing could be read), the verdict with its risk score and reasons
     * (a JSON list of {points, text}) and the preview derivatives; the pending bytes are no longer needed.
     * Replaces what an earlier attempt may have written.
     */
    @Transaction
    default void finish(long id, MediaRecord.Hashes hashes, MediaRecord.Verdict verdict, int riskScore,
                        String riskReasons, byte[] preview, byte[] reveal) {
        markDone(id);
        deleteBlob(id, PENDING);
        deleteBlob(id, PREVIEW);
        deleteBlob(id, REVEAL);
        deleteSheet(id);
        deleteSignals(id);
        deleteVerdict(id);
        if (hashes != null) insertSignals(id, hashes);
        insertVerdict(id, verdict, riskScore, riskReasons);
        if (preview != null) insertBlob(id, PREVIEW, preview);
        if (reveal != null) insertBlob(id, REVEAL, reveal);
    }

    @SqlUpdate("UPDATE media_work SET state = 'done', lease_until = NULL, leased_by = NULL, last_error = NULL"
            + " WHERE media_id = :id")
    void markDone(@Bind("id") long id);

    @SqlUpdate("DELETE FROM media_signals WHERE media_id = :id")
    void deleteSignals(@Bind("id") long id);

    @SqlUpdate("INSERT INTO media_signals (media_id, format, width, height, byte_size, pdq, pdq_quality, pdq_dihedral,"
            + " phash, dhash, md5, sha256) VALUES (:id, :format, :width, :height, :byteSize, :pdq, :pdqQuality,"
            + " :pdqDihedral, :phash, :dhash, :md5, :sha256)")
    void insertSignals(@Bind("id") long id, @BindMethods MediaRecord.Hashes hashes);

    /** The blob kinds of a contact sheet's frame {@code i}: its blurred greyscale preview and its colour reveal. */
    static String sheetPreview(int i) {
        return "sheet-p-" + i;
    }

    static String sheetReveal(int i) {
        return "sheet-r-" + i;
    }

    @SqlUpdate("DELETE FROM media_blobs WHERE media_id = :id AND kind LIKE 'sheet-%'")
    void deleteSheet(@Bind("id") long id);

    @SqlUpdate("UPDATE media_signals SET contact_sheet = :times WHERE media_id = :id")
    void contactSheet(@Bind("id") long id, @Bind("times") String times);

    @SqlQuery("SELECT contact_sheet FROM media_signals WHERE media_id = :id")
    Optional<String> contactSheetTimes(@Bind("id") long id);

    /** A video's own signals, beside the row {@link #insertSignals} wrote. */
    @SqlUpdate("UPDATE media_signals SET vpdq = :vpdq, video_md5 = :videoMd5, duration_s = :durationS"
            + " WHERE media_id = :id")
    void videoSignals(@Bind("id") long id, @Bind("vpdq") String vpdq, @Bind("videoMd5") String videoMd5,
                      @Bind("durationS") Double durationS);

    /** A scanned video's signals as stored: vPDQ (HMA's JSON array text), video_md5, length in seconds. */
    record VideoRow(String vpdq, String videoMd5, Double durationS) {
    }

    @SqlQuery("SELECT vpdq, video_md5, duration_s FROM media_signals WHERE media_id = :id AND vpdq IS NOT NULL")
    @RegisterConstructorMapper(VideoRow.class)
    Optional<VideoRow> videoRow(@Bind("id") long id);

    /** Fetch this item under the video byte cap: a source said it is a video (its full file, not a preview). */
    @SqlUpdate("UPDATE media SET fetch_video = TRUE WHERE id = :id")
    void fetchAsVideo(@Bind("id") long id);

    @SqlQuery("SELECT fetch_video FROM media WHERE id = :id")
    boolean fetchesVideo(@Bind("id") long id);

    @SqlUpdate("DELETE FROM media_verdicts WHERE media_id = :id")
    void deleteVerdict(@Bind("id") long id);

    @SqlUpdate("INSERT INTO media_verdicts (media_id, outcome, reason, decision, priority, processed_at, risk_score,"
            + " risk_reasons) VALUES (:id, :outcome, :reason, :decision, :priority, :processedAt, :riskScore, :riskReasons)")
    void insertVerdict(@Bind("id") long id, @BindMethods MediaRecord.Verdict verdict, @Bind("riskScore") int riskScore,
                       @Bind("riskReasons") String riskReasons);

    /** Replaces the media's free metadata (a source noting what it learnt later, e.g. that the post is gone). */
    @SqlUpdate("UPDATE media SET metadata = :metadata WHERE id = :id")
    void setMetadata(@Bind("id") long id, @Bind("metadata") String metadata);

    /** A further report about media already known: it counts, and moves the item up the queue. */
    @Transaction
    default void addReport(long id, String reportId, String comment, int boost) {
        countReport(id, reportId, comment);
        raisePriority(id, boost);
    }

    @SqlUpdate("UPDATE media SET report_count = report_count + 1, report_id = :reportId, report_comment = :comment"
            + " WHERE id = :id")
    void countReport(@Bind("id") long id, @Bind("reportId") String reportId, @Bind("comment") String comment);

    @SqlUpdate("UPDATE media_work SET priority = priority + :boost WHERE media_id = :id")
    void raisePriority(@Bind("id") long id, @Bind("boost") int boost);

    default Optional<byte[]> preview(long id) {
        return blob(id, PREVIEW);
    }

    default Optional<byte[]> reveal(long id) {
        return blob(id, REVEAL);
    }

    @SqlQuery("SELECT COUNT(*) FROM media_work WHERE state <> 'done'")
    long countUnfinished();

    @SqlQuery("SELECT COUNT(*) FROM media_verdicts WHERE outcome <> 'scanned' AND processed_at >= :since")
    long countUnscannedSince(@Bind("since") Instant since);
}
