package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;

@RegisterConstructorMapper(MatchRecord.class)
public interface MatchDao {

    @SqlUpdate("DELETE FROM media_matches WHERE media_id = :mediaId")
    void deleteFor(@Bind("mediaId") long mediaId);

    @SqlBatch("INSERT INTO media_matches (media_id, bank_id, bank_name, entry_id, signal_type, distance, variant,"
            + " labels, observed, vetoed) VALUES (:mediaId, :bankId, :bankName, :entryId, :signalType, :distance,"
            + " :variant, :labels, :observed, :vetoed)")
    void insertAll(@BindMethods List<MatchRecord> matches);

    @SqlQuery("SELECT * FROM media_matches WHERE media_id = :mediaId ORDER BY distance, id")
    List<MatchRecord> forMedia(@Bind("mediaId") long mediaId);
}
