package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;

/** What each media file said about itself ({@code media_file_metadata}); no row: nothing. */
@RegisterConstructorMapper(FileMetadata.class)
public interface FileMetadataDao {

    @SqlUpdate("DELETE FROM media_file_metadata WHERE media_id = :id")
    void deleteFor(@Bind("id") long mediaId);

    @SqlUpdate("INSERT INTO media_file_metadata (media_id, camera, software, taken, gps, c2pa, ai_hint)"
            + " VALUES (:id, :m.camera, :m.software, :m.taken, :m.gps, :m.c2pa, :m.aiHint)")
    void insert(@Bind("id") long mediaId, @BindMethods("m") FileMetadata metadata);

    @SqlQuery("SELECT camera, software, taken, gps, c2pa, ai_hint FROM media_file_metadata WHERE media_id = :id")
    Optional<FileMetadata> find(@Bind("id") long mediaId);
}
