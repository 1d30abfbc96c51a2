package org.sightline.users;

import org.sightline.access.User;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@RegisterConstructorMapper(User.class)
public interface UserDao {
    String COLUMNS = "id, name, role, blur_strength, greyscale, reveal_confirm, disabled, created_at";

    @SqlUpdate("INSERT INTO users (name, role, password_hash, blur_strength, greyscale, reveal_confirm, disabled,"
            + " created_at) VALUES (:name, :role, :hash, 6, TRUE, TRUE, FALSE, :at)")
    @GetGeneratedKeys("id")
    long insert(@Bind("name") String name, @Bind("role") String role, @Bind("hash") String passwordHash,
                @Bind("at") Instant at);

    @SqlQuery("SELECT " + COLUMNS + " FROM users WHERE name = :name")
    Optional<User> findByName(@Bind("name") String name);

    @SqlQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
    Optional<User> findById(@Bind("id") long id);

    @SqlQuery("SELECT COUNT(*) FROM users")
    long count();

    @SqlQuery("SELECT " + COLUMNS + " FROM users ORDER BY name")
    List<User> list();

    @SqlUpdate("UPDATE users SET role = :role WHERE id = :id")
    void setRole(@Bind("id") long id, @Bind("role") String role);

    @SqlUpdate("UPDATE users SET disabled = :disabled WHERE id = :id")
    void setDisabled(@Bind("id") long id, @Bind("disabled") boolean disabled);

    @SqlQuery("SELECT password_hash FROM users WHERE name = :name AND disabled = FALSE")
    Optional<String> passwordHash(@Bind("name") String name);

    @SqlUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
    void setPassword(@Bind("id") long id, @Bind("hash") String passwordHash);

    @SqlUpdate("UPDATE users SET blur_strength = :blur, greyscale = :grey, reveal_confirm = :confirm WHERE id = :id")
    void setWellness(@Bind("id") long id, @Bind("blur") int blur, @Bind("grey") boolean greyscale,
                     @Bind("confirm") boolean revealConfirm);

    @SqlUpdate("INSERT INTO login_failures (account, address, failed_at) VALUES (:account, :address, :at)")
    void recordFailure(@Bind("account") String account, @Bind("address") String address, @Bind("at") Instant at);

    /** Reserves a login attempt before its password is checked: it counts as a failure unless taken back. */
    @SqlUpdate("INSERT INTO login_failures (account, address, failed_at) VALUES (:account, :address, :at)")
    @GetGeneratedKeys("id")
    long reserveAttempt(@Bind("account") String account, @Bind("address") String address, @Bind("at") Instant at);

    @SqlUpdate("DELETE FROM login_failures WHERE id = :id")
    void releaseAttempt(@Bind("id") long id);

    @SqlQuery("SELECT COUNT(*) FROM login_failures WHERE failed_at > :since")
    int failuresSince(@Bind("since") Instant since);

    @SqlQuery("SELECT COUNT(*) FROM login_failures WHERE account = :account AND failed_at > :since")
    int failuresForAccount(@Bind("account") String account, @Bind("since") Instant since);

    @SqlQuery("SELECT COUNT(*) FROM login_failures WHERE address = :address AND failed_at > :since")
    int failuresForAddress(@Bind("address") String address, @Bind("since") Instant since);

    @SqlUpdate("DELETE FROM login_failures WHERE failed_at < :before")
    void forgetFailuresBefore(@Bind("before") Instant before);

    /** A pending or used invitation. */
    record Invitation(long id, String role, String createdBy, Instant expiresAt, Instant usedAt) {
    }

    @SqlUpdate("INSERT INTO invitations (token_hash, role, created_by, created_at, expires_at)"
            + " VALUES (:hash, :role, :by, :at, :expires)")
    void insertInvitation(@Bind("hash") String tokenHash, @Bind("role") String role, @Bind("by") String createdBy,
                          @Bind("at") Instant at, @Bind("expires") Instant expiresAt);

    @SqlQuery("SELECT id, role, created_by, expires_at, used_at FROM invitations WHERE token_hash = :hash")
    @RegisterConstructorMapper(Invitation.class)
    Optional<Invitation> findInvitation(@Bind("hash") String tokenHash);

    /** Marks the invitation used unless it already is: 1 for the one caller who wins. */
    @SqlUpdate("UPDATE invitations SET used_at = :at, used_by = :name WHERE id = :id AND used_at IS NULL")
    int useInvitation(@Bind("id") long id, @Bind("name") String name, @Bind("at") Instant at);
}
