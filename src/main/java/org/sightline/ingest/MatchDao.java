package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

@RegisterConstructorMapper(MatchRecord.class)
public interface MatchDao {

    @SqlUpdate("DELETE FROM media_matches WHERE media_id = :mediaId")
    void deleteFor(@Bind("mediaId") long mediaId);

    @SqlBatch("INSERT INTO media_matches (media_id, bank_id, bank_name, entry_id, signal_type, distance, variant,"
            + " labels, observed, vetoed, banked_percent, upload_percent, upload_at, banked_at) VALUES (:mediaId,"
            + " :bankId, :bankName, :entryId, :signalType, :distance, :variant, :labels, :observed, :vetoed,"
            + " :bankedPercent, :uploadPercent, :uploadAt, :bankedAt)")
    void insertAll(@BindMethods List<MatchRecord> matches);

    @SqlQuery("SELECT * FROM media_matches WHERE media_id = :mediaId ORDER BY distance, id")
    List<MatchRecord> forMedia(@Bind("mediaId") long mediaId);

    /** Records a match unless this media item already has one for this entry (re-running adds nothing). */
    @SqlUpdate("INSERT INTO media_matches (media_id, bank_id, bank_name, entry_id, signal_type, distance, variant,"
            + " labels, observed, vetoed, matched_at) SELECT :mediaId, :bankId, :bankName, :entryId, :signalType,"
            + " :distance, :variant, :labels, :observed, FALSE, :at WHERE NOT EXISTS (SELECT 1 FROM media_matches"
            + " WHERE media_id = :mediaId AND entry_id = :entryId)")
    int insertLateIfAbsent(@Bind("mediaId") long mediaId, @Bind("bankId") long bankId, @Bind("bankName") String bankName,
                       @Bind("entryId") long entryId, @Bind("signalType") String signalType,
                       @Bind("distance") int distance, @Bind("variant") String variant, @Bind("labels") String labels,
                       @Bind("observed") boolean observed, @Bind("at") Instant at);

    @SqlUpdate("UPDATE media_matches SET banked_percent = :bankedPercent, upload_percent = :uploadPercent,"
            + " upload_at = :uploadAt, banked_at = :bankedAt WHERE media_id = :mediaId AND entry_id = :entryId")
    void setVideo(@Bind("mediaId") long mediaId, @Bind("entryId") long entryId,
                  @Bind("bankedPercent") Double bankedPercent, @Bind("uploadPercent") Double uploadPercent,
                  @Bind("uploadAt") Double uploadAt, @Bind("bankedAt") Double bankedAt);
}
