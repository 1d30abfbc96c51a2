package org.sightline.banks;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

@RegisterConstructorMapper(Bank.class)
public interface BankDao {

    @SqlUpdate("INSERT INTO banks (name, kind, policy, mode, labels, pdq_threshold, phash_threshold, dhash_threshold,"
            + " created_at, updated_at) VALUES (:name, :kind, :policy, :mode, :labels, :pdqThreshold, :phashThreshold,"
            + " :dhashThreshold, :createdAt, :updatedAt)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods Bank bank);

    @SqlUpdate("UPDATE banks SET policy = :policy, mode = :mode, labels = :labels, pdq_threshold = :pdqThreshold,"
            + " phash_threshold = :phashThreshold, dhash_threshold = :dhashThreshold, updated_at = :updatedAt"
            + " WHERE id = :id")
    int update(@BindMethods Bank bank);

    @SqlUpdate("UPDATE banks SET name = :name, updated_at = :at WHERE id = :id")
    int rename(@Bind("id") long id, @Bind("name") String name, @Bind("at") java.time.Instant at);

    /** A bank that was not removed (removed ones keep their rows, for the cases and lists that name them). */
    @SqlQuery("SELECT * FROM banks WHERE name = :name AND removed_at IS NULL")
    Optional<Bank> findByName(@Bind("name") String name);

    @SqlUpdate("UPDATE banks SET archived_at = :at, updated_at = :at WHERE id = :id AND archived_at IS NULL AND removed_at IS NULL")
    int archive(@Bind("id") long id, @Bind("at") java.time.Instant at);

    /**
     * Marks the bank removed and frees its name (renamed {@code ~removed-<id>~}, which no bank can be called): the
     * cases and audit events keep the name it had, copied where they name it.
     */
    @SqlUpdate("UPDATE banks SET removed_at = :at, updated_at = :at, name = :freed WHERE id = :id AND removed_at IS NULL")
    int remove(@Bind("id") long id, @Bind("at") java.time.Instant at, @Bind("freed") String freedName);

    /** Every bank, removed ones too (the index learns of their removal). */
    @SqlQuery("SELECT * FROM banks ORDER BY name")
    List<Bank> listAll();

    @SqlQuery("SELECT * FROM banks WHERE id = :id")
    Optional<Bank> findById(@Bind("id") long id);

    @SqlQuery("SELECT * FROM banks WHERE removed_at IS NULL ORDER BY name")
    List<Bank> list();

    /**
     * Locks the bank's row until the transaction ends. Every change to a bank's entries takes it first, and so
     * does publishing the bank as a list: one waits for the other, so no entry is committed "between" them.
     */
    @SqlQuery("SELECT * FROM banks WHERE id = :id FOR UPDATE")
    Optional<Bank> lockForChange(@Bind("id") long id);

    /** Advanced in the transaction of every entry change (see {@code IndexSnapshot}). */
    @SqlUpdate("UPDATE bank_index_version SET version = version + 1 WHERE id = 1")
    void advanceIndexVersion();

    /** Where the index stands in the database: which database, at which version. */
    record IndexVersion(String databaseId, long version) {
        /** As a snapshot records it. */
        String tag() {
            return databaseId + "@" + version;
        }
    }

    @SqlQuery("SELECT database_id, version FROM bank_index_version WHERE id = 1")
    @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(IndexVersion.class)
    IndexVersion indexVersion();

    /** Names this database once, at its first start (the first of racing nodes wins). */
    @SqlUpdate("UPDATE bank_index_version SET database_id = :databaseId WHERE id = 1 AND database_id IS NULL")
    void nameDatabase(@Bind("databaseId") String databaseId);
}
