package org.sightline.federation;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

import java.time.Instant;
import java.util.List;

/** What retroactive matching reads of recent media (through ingest's media_overview view). */
@RegisterConstructorMapper(RetroDao.StoredSignals.class)
public interface RetroDao {

    /** A scanned item's stored signals; for a video {@code vpdq} and {@code videoMd5} and no image hashes. */
    record StoredSignals(long id, String pdq, Integer pdqQuality, String pdqDihedral, String phash, String dhash,
                         String md5, String sha256, String vpdq, String videoMd5) {
    }

    @SqlQuery("SELECT id, pdq, pdq_quality, pdq_dihedral, phash, dhash, md5, sha256, vpdq, video_md5"
            + " FROM media_overview WHERE outcome = 'scanned'"
            + " AND processed_at >= :since AND id > :afterId ORDER BY id FETCH FIRST :limit ROWS ONLY")
    List<StoredSignals> scannedSince(@Bind("since") Instant since, @Bind("afterId") long afterId,
                                     @Bind("limit") int limit);
}
