package org.sightline.ingest;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.ingest.post.PostContext;
import org.sightline.ingest.post.Visibility;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The post context of each media item ({@code media_posts}); no row: nothing known, or purged. */
public interface PostDao {

    /** A stored row; {@code visibility} as its wire name. */
    record Row(String postText, String spoilerText, Boolean sensitive, String visibility, String url, String acct,
               String domain) {
        PostContext context() {
            return new PostContext(postText, spoilerText, sensitive,
                    visibility == null ? null : Visibility.mastodon(visibility), url, acct, domain);
        }
    }

    /** Stores (or replaces) the context of one media item. */
    default void put(long mediaId, Long instanceId, String statusId, PostContext post, Instant now) {
        if (post == null || post.isEmpty()) return;
        delete(mediaId);
        insert(mediaId, instanceId, statusId, post, post.visibility() == null ? null : post.visibility().wireName(), now);
    }

    @SqlUpdate("INSERT INTO media_posts (media_id, instance_id, status_id, post_text, spoiler_text, sensitive, visibility,"
            + " url, acct, domain, updated_at) VALUES (:id, :instanceId, :statusId, :p.text, :p.spoilerText, :p.sensitive,"
            + " :visibility, :p.url, :p.acct, :p.domain, :now)")
    void insert(@Bind("id") long mediaId, @Bind("instanceId") Long instanceId, @Bind("statusId") String statusId,
                @BindMethods("p") PostContext post, @Bind("visibility") String visibility, @Bind("now") Instant now);

    /**
     * An edit (or a later event's copy) of a status replaces the context of every media item of it kept so far;
     * returns how many rows changed.
     */
    default int replace(long instanceId, String statusId, PostContext post, Instant now) {
        if (post == null || post.isEmpty()) return 0;
        return update(instanceId, statusId, post, post.visibility() == null ? null : post.visibility().wireName(), now);
    }

    @SqlUpdate("UPDATE media_posts SET post_text = :p.text, spoiler_text = :p.spoilerText, sensitive = :p.sensitive,"
            + " visibility = :visibility, url = :p.url, acct = :p.acct, domain = :p.domain, updated_at = :now"
            + " WHERE instance_id = :instanceId AND status_id = :statusId")
    int update(@Bind("instanceId") long instanceId, @Bind("statusId") String statusId, @BindMethods("p") PostContext post,
               @Bind("visibility") String visibility, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM media_posts WHERE media_id = :id")
    void delete(@Bind("id") long mediaId);

    @SqlUpdate("DELETE FROM media_posts WHERE media_id IN (<ids>)")
    int deleteAll(@BindList("ids") List<Long> mediaIds);

    @SqlQuery("SELECT post_text, spoiler_text, sensitive, visibility, url, acct, domain FROM media_posts WHERE media_id = :id")
    @RegisterConstructorMapper(Row.class)
    Optional<Row> find(@Bind("id") long mediaId);
}
