package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

/** The classifiers' answers per media item ({@code media_classifications}). */
@RegisterConstructorMapper(ClassificationDao.Row.class)
@RegisterConstructorMapper(ClassificationDao.RiskRow.class)
public interface ClassificationDao {

    /** One stored answer; {@code scores} is a JSON object of label → score, null when the classifier failed. */
    record Row(long mediaId, String classifier, String model, String modelVersion, String scores, String error,
               Instant createdAt) {
    }

    @SqlUpdate("DELETE FROM media_classifications WHERE media_id = :id")
    void deleteFor(@Bind("id") long mediaId);

    @SqlUpdate("INSERT INTO media_classifications (media_id, classifier, model, model_version, scores, error, created_at)"
            + " VALUES (:mediaId, :classifier, :model, :modelVersion, :scores, :error, :createdAt)")
    void insert(@BindMethods Row row);

    @SqlQuery("SELECT media_id, classifier, model, model_version, scores, error, created_at FROM media_classifications"
            + " WHERE media_id = :id ORDER BY classifier")
    List<Row> forMedia(@Bind("id") long mediaId);

    /** The verdict's risk score and its reasons (a JSON list of {points, text}). */
    record RiskRow(int riskScore, String riskReasons) {
    }

    @SqlQuery("SELECT risk_score, risk_reasons FROM media_verdicts WHERE media_id = :id AND risk_score IS NOT NULL")
    java.util.Optional<RiskRow> risk(@Bind("id") long mediaId);

    @SqlUpdate("UPDATE media SET sensitive = :sensitive WHERE id = :id")
    void setSensitive(@Bind("id") long mediaId, @Bind("sensitive") boolean sensitive);

    @SqlQuery("SELECT sensitive FROM media WHERE id = :id")
    Boolean sensitive(@Bind("id") long mediaId);
}
