package org.sightline.exchanges;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The exchanges package's tables: {@code exchanges}, {@code exchange_credentials}, {@code exchange_entries}. */
public interface ExchangeDao {

    record Row(long id, String name, String api, long bankId, String configJson, boolean enabled, String checkpoint,
               Long checkpointTs, Instant runningFetchStart, Instant lastFetchComplete, Boolean lastFetchSucceeded,
               String lastError, boolean upToDate, long usualAdds, Instant leaseUntil, String leasedBy,
               Instant createdAt) {
    }

    record Mapped(long entryId, String recordId, String signalType, String signalValue) {
    }

    @SqlUpdate("INSERT INTO exchanges (name, api, bank_id, config_json, enabled, up_to_date, usual_adds, created_at)"
            + " VALUES (:name, :api, :bankId, :config, :enabled, FALSE, 0, :at)")
    @GetGeneratedKeys("id")
    long insert(@Bind("name") String name, @Bind("api") String api, @Bind("bankId") long bankId,
                @Bind("config") String configJson, @Bind("enabled") boolean enabled, @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM exchanges WHERE name = :name")
    @RegisterConstructorMapper(Row.class)
    Optional<Row> find(@Bind("name") String name);

    @SqlQuery("SELECT * FROM exchanges ORDER BY name")
    @RegisterConstructorMapper(Row.class)
    List<Row> list();

    @SqlUpdate("UPDATE exchanges SET enabled = :enabled WHERE id = :id")
    int setEnabled(@Bind("id") long id, @Bind("enabled") boolean enabled);

    /** Takes the fetch if nobody holds it; {@code lease} is new for every claim. */
    @SqlUpdate("UPDATE exchanges SET lease_until = :until, leased_by = :lease, running_fetch_start = :now"
            + " WHERE id = :id AND (lease_until IS NULL OR lease_until < :now)")
    int claim(@Bind("id") long id, @Bind("lease") String lease, @Bind("now") Instant now, @Bind("until") Instant until);

    /** Moves the checkpoint and renews the lease, only while {@code lease} still holds it. */
    @SqlUpdate("UPDATE exchanges SET checkpoint = :checkpoint, checkpoint_ts = COALESCE(:checkpointTs, checkpoint_ts),"
            + " lease_until = :until WHERE id = :id AND leased_by = :lease")
    int advance(@Bind("id") long id, @Bind("lease") String lease, @Bind("checkpoint") String checkpoint,
                @Bind("checkpointTs") Long checkpointTs, @Bind("until") Instant until);

    @SqlUpdate("UPDATE exchanges SET running_fetch_start = NULL, lease_until = NULL, leased_by = NULL,"
            + " last_fetch_complete = :now, last_fetch_succeeded = :succeeded, last_error = :error,"
            + " up_to_date = :upToDate, usual_adds = :usualAdds WHERE id = :id AND leased_by = :lease")
    int finish(@Bind("id") long id, @Bind("lease") String lease, @Bind("now") Instant now,
               @Bind("succeeded") boolean succeeded, @Bind("error") String error, @Bind("upToDate") boolean upToDate,
               @Bind("usualAdds") long usualAdds);

    @SqlUpdate("DELETE FROM exchanges WHERE id = :id")
    int delete(@Bind("id") long id);

    @SqlQuery("SELECT sealed FROM exchange_credentials WHERE api = :api")
    Optional<String> credentials(@Bind("api") String api);

    @SqlUpdate("UPDATE exchange_credentials SET sealed = :sealed, updated_at = :at WHERE api = :api")
    int updateCredentials(@Bind("api") String api, @Bind("sealed") String sealed, @Bind("at") Instant at);

    @SqlUpdate("INSERT INTO exchange_credentials (api, sealed, updated_at) VALUES (:api, :sealed, :at)")
    void insertCredentials(@Bind("api") String api, @Bind("sealed") String sealed, @Bind("at") Instant at);

    @SqlUpdate("DELETE FROM exchange_credentials WHERE api = :api")
    int deleteCredentials(@Bind("api") String api);

    @SqlQuery("SELECT entry_id, record_id, signal_type, signal_value FROM exchange_entries WHERE exchange_id = :id"
            + " AND record_id IN (<records>)")
    @RegisterConstructorMapper(Mapped.class)
    List<Mapped> mapped(@Bind("id") long exchangeId, @BindList("records") List<String> recordIds);

    @SqlQuery("SELECT entry_id, record_id, signal_type, signal_value FROM exchange_entries WHERE exchange_id = :id")
    @RegisterConstructorMapper(Mapped.class)
    List<Mapped> allMapped(@Bind("id") long exchangeId);

    @SqlQuery("SELECT entry_id, record_id, signal_type, signal_value FROM exchange_entries WHERE exchange_id = :id"
            + " AND entry_id = :entryId")
    @RegisterConstructorMapper(Mapped.class)
    Optional<Mapped> mappedEntry(@Bind("id") long exchangeId, @Bind("entryId") long entryId);

    @SqlQuery("SELECT COUNT(DISTINCT record_id) FROM exchange_entries WHERE exchange_id = :id")
    long countRecords(@Bind("id") long exchangeId);

    @SqlUpdate("INSERT INTO exchange_entries (exchange_id, entry_id, record_id, signal_type, signal_value)"
            + " VALUES (:id, :entryId, :recordId, :type, :value)")
    void map(@Bind("id") long exchangeId, @Bind("entryId") long entryId, @Bind("recordId") String recordId,
             @Bind("type") String signalType, @Bind("value") String value);

    @SqlUpdate("DELETE FROM exchange_entries WHERE exchange_id = :id AND entry_id = :entryId")
    int unmap(@Bind("id") long exchangeId, @Bind("entryId") long entryId);

    @SqlUpdate("DELETE FROM exchange_entries WHERE exchange_id = :id")
    int unmapAll(@Bind("id") long exchangeId);
}
