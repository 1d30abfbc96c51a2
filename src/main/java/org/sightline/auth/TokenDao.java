package org.sightline.auth;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;

public interface TokenDao {

    @SqlUpdate("INSERT INTO api_tokens (name, token_hash, scopes, created_at) VALUES (:name, :hash, :scopes, :at)")
    void insert(@Bind("name") String name, @Bind("hash") String tokenHash, @Bind("scopes") String scopes,
                @Bind("at") Instant createdAt);

    @SqlQuery("SELECT COUNT(*) FROM api_tokens WHERE name = :name")
    int countByName(@Bind("name") String name);

    /** A stored token's name and comma-separated scopes. */
    record TokenRow(String name, String scopes) {
    }

    @SqlQuery("SELECT name, scopes FROM api_tokens WHERE token_hash = :hash")
    @RegisterConstructorMapper(TokenRow.class)
    Optional<TokenRow> findByHash(@Bind("hash") String tokenHash);
}
