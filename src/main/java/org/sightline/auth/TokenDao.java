package org.sightline.auth;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface TokenDao {

    @SqlUpdate("INSERT INTO api_tokens (name, token_hash, scopes, created_at, expires_at, instance_name)"
            + " VALUES (:name, :hash, :scopes, :at, :expires, :instance)")
    @GetGeneratedKeys("id")
    long insert(@Bind("name") String name, @Bind("hash") String tokenHash, @Bind("scopes") String scopes,
                @Bind("at") Instant createdAt, @Bind("expires") Instant expiresAt, @Bind("instance") String instance);

    @SqlQuery("SELECT COUNT(*) FROM api_tokens WHERE name = :name")
    int countByName(@Bind("name") String name);

    /** A live token's id, name, comma-separated scopes, when it was last used and its instance (null: none). */
    record TokenRow(long id, String name, String scopes, Instant lastUsedAt, String instanceName) {
    }

    /** The token with this hash, unless it has expired: revoked tokens are gone, so every node agrees at once. */
    @SqlQuery("SELECT id, name, scopes, last_used_at, instance_name FROM api_tokens WHERE token_hash = :hash"
            + " AND (expires_at IS NULL OR expires_at > :now)")
    @RegisterConstructorMapper(TokenRow.class)
    Optional<TokenRow> findLive(@Bind("hash") String tokenHash, @Bind("now") Instant now);

    /** Records a use unless one was recorded since {@code since} (by this node or another). */
    @SqlUpdate("UPDATE api_tokens SET last_used_at = :now, last_used_from = :from"
            + " WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :since)")
    int touch(@Bind("id") long id, @Bind("now") Instant now, @Bind("from") String from, @Bind("since") Instant since);

    /** What the listing shows; never the hash. */
    record Listed(long id, String name, String scopes, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
                  String lastUsedFrom, String instanceName) {
        static final String COLUMNS = "SELECT id, name, scopes, created_at, expires_at, last_used_at, last_used_from, instance_name"
                + " FROM api_tokens";

        /** Whether it has expired at {@code now}: the rule the lookup applies in its SQL. */
        boolean expiredAt(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }
    }

    @SqlQuery(Listed.COLUMNS + " ORDER BY id")
    @RegisterConstructorMapper(Listed.class)
    List<Listed> list();

    @SqlQuery(Listed.COLUMNS + " WHERE id = :id")
    @RegisterConstructorMapper(Listed.class)
    Optional<Listed> byId(@Bind("id") long id);

    @SqlQuery(Listed.COLUMNS + " WHERE name = :name")
    @RegisterConstructorMapper(Listed.class)
    Optional<Listed> byName(@Bind("name") String name);

    @SqlQuery(Listed.COLUMNS + " WHERE instance_name = :instance ORDER BY id")
    @RegisterConstructorMapper(Listed.class)
    List<Listed> boundTo(@Bind("instance") String instance);

    @SqlUpdate("DELETE FROM api_tokens WHERE id = :id")
    int delete(@Bind("id") long id);
}
