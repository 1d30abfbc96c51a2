package org.sightline.users;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;

public interface SessionDao {

    record SessionRow(long id, long userId, String csrfToken, Instant lastSeenAt) {
    }

    @SqlUpdate("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at)"
            + " VALUES (:hash, :userId, :csrf, :at, :at)")
    void insert(@Bind("hash") String tokenHash, @Bind("userId") long userId, @Bind("csrf") String csrf,
                @Bind("at") Instant at);

    @SqlQuery("SELECT id, user_id, csrf_token, last_seen_at FROM sessions WHERE token_hash = :hash")
    @RegisterConstructorMapper(SessionRow.class)
    Optional<SessionRow> find(@Bind("hash") String tokenHash);

    @SqlUpdate("UPDATE sessions SET last_seen_at = :at WHERE id = :id")
    void touch(@Bind("id") long id, @Bind("at") Instant at);

    @SqlUpdate("DELETE FROM sessions WHERE token_hash = :hash")
    void delete(@Bind("hash") String tokenHash);

    @SqlUpdate("DELETE FROM sessions WHERE user_id = :userId AND id <> :keep")
    void deleteOthers(@Bind("userId") long userId, @Bind("keep") long keepSessionId);

    @SqlUpdate("DELETE FROM sessions WHERE user_id = :userId")
    void deleteAll(@Bind("userId") long userId);

    @SqlUpdate("DELETE FROM sessions WHERE last_seen_at < :before")
    void deleteIdleBefore(@Bind("before") Instant before);
}
