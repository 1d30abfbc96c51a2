package org.sightline.federation;

import org.sightline.decide.ListTrust;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.common.Refusal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-publisher trust and the quorum rule for subscribed lists: a match in a subscribed bank acts
 * automatically only if its publisher is trusted {@code high}, or if at least {@code quorum} subscribed lists
 * of publishers trusted {@code normal} or more carry the hash. {@code low} publishers only ever queue reviews.
 */
public final class Trust implements ListTrust {
    public static final Set<String> LEVELS = Set.of("low", "normal", "high");

    private final Jdbi jdbi;
    private final Clock clock;
    private final int quorum;
    private final AuditLog audit;

    public Trust(Jdbi jdbi, Clock clock, int quorum) {
        this(jdbi, clock, quorum, null);
    }

    /** @param audit where trust changes made for an actor are recorded, in their transaction (null: not) */
    public Trust(Jdbi jdbi, Clock clock, int quorum, AuditLog audit) {
        this.audit = audit;
        this.jdbi = jdbi;
        this.clock = clock;
        this.quorum = Math.max(1, quorum);
    }

    public interface Dao {
        record BankTrust(long bankId, String trust) {
        }

        @SqlQuery("SELECT s.bank_id, COALESCE(t.trust, 'normal') AS trust FROM subscriptions s"
                + " LEFT JOIN publisher_trust t ON t.key_id = s.key_id WHERE s.bank_id IN (<banks>)")
        @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(BankTrust.class)
        List<BankTrust> forBanks(@BindList("banks") Collection<Long> bankIds);

        @SqlUpdate("DELETE FROM publisher_trust WHERE key_id = :keyId")
        void clear(@Bind("keyId") String keyId);

        @SqlUpdate("INSERT INTO publisher_trust (key_id, trust, updated_at) VALUES (:keyId, :trust, :at)")
        void insert(@Bind("keyId") String keyId, @Bind("trust") String trust, @Bind("at") Instant at);

        @SqlQuery("SELECT trust FROM publisher_trust WHERE key_id = :keyId")
        java.util.Optional<String> find(@Bind("keyId") String keyId);
    }

    @Override
    public int quorum() {
        return quorum;
    }

    /** Sets the trust of the publisher signing with {@code keyId}. */
    public void set(String keyId, String trust) {
        set(keyId, trust, null);
    }

    /** {@link #set(String, String)} for {@code actor} (null: not audited); the {@code trust_set} event commits with it. */
    public void set(String keyId, String trust, String actor) {
        if (!LEVELS.contains(trust)) throw Refusal.invalid("trust must be low, normal or high");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        jdbi.useTransaction(h -> {
            Dao dao = h.attach(Dao.class);
            dao.clear(keyId);
            dao.insert(keyId, trust, now);
            if (actor != null && audit != null) audit.append(h, actor, "trust_set", "publisher:" + keyId, "trust=" + trust);
        });
    }

    /** Sets the trust of the publisher of subscription {@code id}; returns its key id. */
    public String setForSubscription(long subscriptionId, String trust) {
        return setForSubscription(subscriptionId, trust, null);
    }

    /** {@link #setForSubscription(long, String)} for {@code actor} (null: not audited). */
    public String setForSubscription(long subscriptionId, String trust, String actor) {
        String keyId = jdbi.withHandle(h -> h.createQuery("SELECT key_id FROM subscriptions WHERE id = :id")
                .bind("id", subscriptionId).mapTo(String.class).findOne())
                .orElseThrow(() -> Refusal.notFound("no subscription " + subscriptionId));
        set(keyId, trust, actor);
        return keyId;
    }

    public String forSubscription(long subscriptionId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(t.trust, 'normal') FROM subscriptions s"
                        + " LEFT JOIN publisher_trust t ON t.key_id = s.key_id WHERE s.id = :id")
                .bind("id", subscriptionId).mapTo(String.class).findOne()).orElse("normal");
    }

    public String of(String keyId) {
        return jdbi.withExtension(Dao.class, d -> d.find(keyId)).orElse("normal");
    }

    /** Trust of each subscribed bank among {@code bankIds} (local banks are absent from the map). */
    @Override
    public Map<Long, String> forBanks(Collection<Long> bankIds) {
        if (bankIds.isEmpty()) return Map.of();
        Map<Long, String> out = new HashMap<>();
        for (Dao.BankTrust t : jdbi.withExtension(Dao.class, d -> d.forBanks(new ArrayList<>(bankIds)))) {
            out.put(t.bankId(), t.trust());
        }
        return out;
    }
}
