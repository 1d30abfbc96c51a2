package org.sightline.federation;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

/** What retroactive matching reads of recent media, and the matches it records. */
@RegisterConstructorMapper(RetroDao.StoredSignals.class)
public interface RetroDao {

    record StoredSignals(long id, String pdq, Integer pdqQuality, String pdqDihedral, String phash, String dhash,
                         String md5, String sha256) {
    }

    @SqlQuery("SELECT id, pdq, pdq_quality, pdq_dihedral, phash, dhash, md5, sha256 FROM media_overview WHERE outcome = 'scanned'"
            + " AND processed_at >= :since AND id > :afterId ORDER BY id FETCH FIRST :limit ROWS ONLY")
    List<StoredSignals> scannedSince(@Bind("since") Instant since, @Bind("afterId") long afterId,
                                     @Bind("limit") int limit);

    /** Records a match unless this media item already has one for this entry (re-running adds nothing). */
    @SqlUpdate("INSERT INTO media_matches (media_id, bank_id, bank_name, entry_id, signal_type, distance, variant,"
            + " labels, observed, vetoed, matched_at) SELECT :mediaId, :bankId, :bankName, :entryId, :signalType,"
            + " :distance, :variant, :labels, :observed, FALSE, :at WHERE NOT EXISTS (SELECT 1 FROM media_matches"
            + " WHERE media_id = :mediaId AND entry_id = :entryId)")
    int insertIfAbsent(@Bind("mediaId") long mediaId, @Bind("bankId") long bankId, @Bind("bankName") String bankName,
                       @Bind("entryId") long entryId, @Bind("signalType") String signalType,
                       @Bind("distance") int distance, @Bind("variant") String variant, @Bind("labels") String labels,
                       @Bind("observed") boolean observed, @Bind("at") Instant at);
}
