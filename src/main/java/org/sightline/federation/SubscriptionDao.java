package org.sightline.federation;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Subscriptions, the changes they applied, their sync history and alerts. */
@RegisterConstructorMapper(SubscriptionDao.Subscription.class)
@RegisterConstructorMapper(SubscriptionDao.ReceivedChange.class)
@RegisterConstructorMapper(SubscriptionDao.SyncRecord.class)
@RegisterConstructorMapper(SubscriptionDao.Alert.class)
public interface SubscriptionDao {

    /** {@code token} is sealed with the data directory's secret box; {@code baseSeq} is the first snapshot's. */
    record Subscription(long id, String url, long bankId, String keyId, String publicKey, String token, Long baseSeq,
                        long lastSeq, boolean paused, String listName, String publisher, Instant lastSyncAt,
                        String lastError, Instant createdAt) {
    }

    record ReceivedChange(long subscriptionId, long seq, String op, Long refSeq, String signalType,
                          String signalValue, String labels, String note) {
    }

    /** {@code skipped}: entries of signal types this instance does not know, left out; {@code skippedTypes} names them. */
    record SyncRecord(long id, long subscriptionId, String kind, long fromSeq, long toSeq, int added, int retracted,
                      String samples, String error, Instant createdAt, int skipped, String skippedTypes) {
        /** "skipped N entries of unknown types (…)", or null. */
        public String notice() {
            return SubscriptionService.skippedNotice(skipped, skippedTypes);
        }
    }

    record Alert(long id, long subscriptionId, String kind, String message, Instant createdAt) {
    }

    @SqlUpdate("INSERT INTO subscriptions (url, bank_id, key_id, public_key, token, last_seq, paused, created_at)"
            + " VALUES (:url, :bankId, :keyId, :publicKey, :token, 0, FALSE, :at)")
    @GetGeneratedKeys("id")
    long insert(@Bind("url") String url, @Bind("bankId") long bankId, @Bind("keyId") String keyId,
                @Bind("publicKey") String publicKey, @Bind("token") String token, @Bind("at") Instant at);

    /** A subscription that was not removed. */
    @SqlQuery("SELECT * FROM subscriptions WHERE id = :id AND removed_at IS NULL")
    Optional<Subscription> find(@Bind("id") long id);

    @SqlUpdate("UPDATE subscriptions SET removed_at = :at, token = NULL, paused = TRUE WHERE id = :id AND removed_at IS NULL")
    int remove(@Bind("id") long id, @Bind("at") Instant at);

    /** Locks the row: one sync or rollback of a subscription at a time, on every node. */
    @SqlQuery("SELECT * FROM subscriptions WHERE id = :id FOR UPDATE")
    Optional<Subscription> lock(@Bind("id") long id);

    @SqlQuery("SELECT * FROM subscriptions WHERE removed_at IS NULL ORDER BY id")
    List<Subscription> list();

    @SqlQuery("SELECT * FROM subscriptions WHERE bank_id = :bankId AND removed_at IS NULL")
    Optional<Subscription> findByBank(@Bind("bankId") long bankId);

    @SqlUpdate("UPDATE subscriptions SET last_seq = :seq, base_seq = COALESCE(base_seq, :seq), list_name = :listName,"
            + " publisher = :publisher, key_id = :keyId, public_key = :publicKey, last_sync_at = :at, last_error = NULL"
            + " WHERE id = :id")
    int synced(@Bind("id") long id, @Bind("seq") long seq, @Bind("listName") String listName,
               @Bind("publisher") String publisher, @Bind("keyId") String keyId, @Bind("publicKey") String publicKey,
               @Bind("at") Instant at);

    @SqlUpdate("UPDATE subscriptions SET last_sync_at = :at, last_error = :error WHERE id = :id")
    int failed(@Bind("id") long id, @Bind("error") String error, @Bind("at") Instant at);

    @SqlUpdate("UPDATE subscriptions SET paused = :paused WHERE id = :id")
    int setPaused(@Bind("id") long id, @Bind("paused") boolean paused);

    @SqlUpdate("UPDATE subscriptions SET token = :token WHERE id = :id")
    int setToken(@Bind("id") long id, @Bind("token") String sealedToken);

    @SqlQuery("SELECT id FROM subscriptions WHERE url = :url AND removed_at IS NULL")
    List<Long> findByUrl(@Bind("url") String url);

    @SqlUpdate("UPDATE subscriptions SET last_seq = :seq, paused = TRUE WHERE id = :id")
    int rolledBack(@Bind("id") long id, @Bind("seq") long seq);

    @SqlBatch("INSERT INTO subscription_changes (subscription_id, seq, op, ref_seq, signal_type, signal_value, labels,"
            + " note) VALUES (:subscriptionId, :seq, :op, :refSeq, :signalType, :signalValue, :labels, :note)")
    void insertChanges(@BindMethods List<ReceivedChange> rows);

    @SqlQuery("SELECT * FROM subscription_changes WHERE subscription_id = :id AND seq <= :upTo ORDER BY seq")
    List<ReceivedChange> changesUpTo(@Bind("id") long id, @Bind("upTo") long upTo);

    @SqlUpdate("DELETE FROM subscription_changes WHERE subscription_id = :id AND seq > :seq")
    int forgetAfter(@Bind("id") long id, @Bind("seq") long seq);

    @SqlUpdate("INSERT INTO subscription_syncs (subscription_id, kind, from_seq, to_seq, added, retracted, samples,"
            + " error, created_at, skipped, skipped_types) VALUES (:id, :kind, :from, :to, :added, :retracted, :samples,"
            + " :error, :at, :skipped, :skippedTypes)")
    void insertSync(@Bind("id") long id, @Bind("kind") String kind, @Bind("from") long from, @Bind("to") long to,
                    @Bind("added") int added, @Bind("retracted") int retracted, @Bind("samples") String samples,
                    @Bind("error") String error, @Bind("at") Instant at, @Bind("skipped") int skipped,
                    @Bind("skippedTypes") String skippedTypes);

    @SqlQuery("SELECT * FROM subscription_syncs WHERE subscription_id = :id AND kind IN ('snapshot', 'changes')"
            + " ORDER BY id DESC FETCH FIRST 1 ROWS ONLY")
    Optional<SyncRecord> lastApplied(@Bind("id") long id);

    @SqlQuery("SELECT * FROM subscription_syncs WHERE subscription_id = :id ORDER BY id DESC FETCH FIRST :n ROWS ONLY")
    List<SyncRecord> recentSyncs(@Bind("id") long id, @Bind("n") int n);

    @SqlUpdate("INSERT INTO list_alerts (subscription_id, kind, message, created_at) VALUES (:id, :kind, :message, :at)")
    void insertAlert(@Bind("id") long id, @Bind("kind") String kind, @Bind("message") String message,
                     @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM list_alerts WHERE subscription_id = :id ORDER BY id DESC")
    List<Alert> alerts(@Bind("id") long id);

    @SqlQuery("SELECT * FROM list_alerts ORDER BY id DESC FETCH FIRST 100 ROWS ONLY")
    List<Alert> recentAlerts();

    /** Distinct media matched by a bank's entries since {@code since} (scan-time or retroactive matches). */
    @SqlQuery("SELECT COUNT(DISTINCT mm.media_id) FROM media_matches mm JOIN media_overview m ON m.id = mm.media_id"
            + " WHERE mm.bank_id = :bankId AND NOT mm.vetoed AND (mm.matched_at >= :since"
            + " OR (mm.matched_at IS NULL AND m.processed_at >= :since))")
    long distinctMediaMatchedSince(@Bind("bankId") long bankId, @Bind("since") Instant since);

    /** The same, leaving out one media item (the one being decided: a second scan of it is not a new match). */
    @SqlQuery("SELECT COUNT(DISTINCT mm.media_id) FROM media_matches mm JOIN media_overview m ON m.id = mm.media_id"
            + " WHERE mm.bank_id = :bankId AND NOT mm.vetoed AND mm.media_id <> :mediaId AND (mm.matched_at >= :since"
            + " OR (mm.matched_at IS NULL AND m.processed_at >= :since))")
    long distinctOtherMediaMatchedSince(@Bind("bankId") long bankId, @Bind("mediaId") long mediaId,
                                        @Bind("since") Instant since);
}
