package org.sightline.ingest;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;

/**
 * Ingest's door for deleting what it keeps of media for moderators only (the blurred preview, the colour copy
 * shown on a reveal, a video's contact-sheet frames, and the post's context: its text, content warning, author),
 * for the retention job of a later stage. The signals (hashes) stay: retroactive matching needs them.
 */
public final class MediaDerivatives {

    /**
     * Deletes the derivatives and the post context of these media in the caller's transaction; returns how many
     * blobs went.
     */
    public int delete(Handle transaction, List<Long> mediaIds) {
        if (mediaIds.isEmpty()) return 0;
        transaction.attach(PostDao.class).deleteAll(mediaIds);
        Dao dao = transaction.attach(Dao.class);
        // a video's contact-sheet frames are pictures too
        return dao.delete(mediaIds, List.of(MediaDao.PREVIEW, MediaDao.REVEAL)) + dao.deleteSheets(mediaIds);
    }

    interface Dao {
        @SqlUpdate("DELETE FROM media_blobs WHERE media_id IN (<ids>) AND kind IN (<kinds>)")
        int delete(@BindList("ids") List<Long> mediaIds, @BindList("kinds") List<String> kinds);

        @SqlUpdate("DELETE FROM media_blobs WHERE media_id IN (<ids>) AND kind LIKE 'sheet-%'")
        int deleteSheets(@BindList("ids") List<Long> mediaIds);
    }
}
