package org.sightline.instances;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

@RegisterConstructorMapper(Instance.class)
public interface InstanceDao {

    @SqlUpdate("INSERT INTO instances (name, kind, base_url, webhook_secret, api_token, fail_mode, time_budget_ms,"
            + " created_at, watch) VALUES (:name, :kind, :baseUrl, :webhookSecret, :apiToken, :failMode, :timeBudgetMs,"
            + " :createdAt, :watch)")
    @GetGeneratedKeys("id")
    long insert(@BindMethods Instance instance);

    /** A connected instance; a removed one is not found by name (its webhooks are refused). */
    @SqlQuery("SELECT * FROM instances WHERE name = :name AND removed_at IS NULL")
    Optional<Instance> findByName(@Bind("name") String name);

    @SqlQuery("SELECT COUNT(*) FROM instances WHERE name = :name")
    int countAnyByName(@Bind("name") String name);

    /** Marks the instance removed and destroys its secrets; 1 when it was connected. */
    @SqlUpdate("UPDATE instances SET removed_at = :at, removed_by = :by, webhook_secret = NULL, api_token = NULL"
            + " WHERE id = :id AND removed_at IS NULL")
    int remove(@Bind("id") long id, @Bind("at") java.time.Instant at, @Bind("by") String by);

    @SqlQuery("SELECT * FROM instances WHERE id = :id")
    Optional<Instance> findById(@Bind("id") long id);

    @SqlUpdate("UPDATE instances SET api_token = :token WHERE id = :id")
    void setApiToken(@Bind("id") long id, @Bind("token") String sealedToken);

    /** What the token was found to allow when it was saved or checked; null scopes: the server did not say. */
    @SqlUpdate("UPDATE instances SET token_scopes = :scopes, token_checked_at = :at WHERE id = :id")
    void setTokenScopes(@Bind("id") long id, @Bind("scopes") String scopes, @Bind("at") java.time.Instant at);

    @SqlQuery("SELECT token_scopes FROM instances WHERE id = :id")
    Optional<String> tokenScopes(@Bind("id") long id);

    @SqlUpdate("UPDATE instances SET watch = :watch WHERE id = :id")
    void setWatch(@Bind("id") long id, @Bind("watch") Watch watch);

    @SqlQuery("SELECT * FROM instances WHERE removed_at IS NULL ORDER BY name")
    List<Instance> list();
}
