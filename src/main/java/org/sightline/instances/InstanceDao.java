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

    @SqlQuery("SELECT * FROM instances WHERE name = :name")
    Optional<Instance> findByName(@Bind("name") String name);

    @SqlQuery("SELECT * FROM instances WHERE id = :id")
    Optional<Instance> findById(@Bind("id") long id);

    @SqlUpdate("UPDATE instances SET api_token = :token WHERE id = :id")
    void setApiToken(@Bind("id") long id, @Bind("token") String sealedToken);

    @SqlUpdate("UPDATE instances SET watch = :watch WHERE id = :id")
    void setWatch(@Bind("id") long id, @Bind("watch") Watch watch);

    @SqlQuery("SELECT * FROM instances ORDER BY name")
    List<Instance> list();
}
