package org.sightline.ingest;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What later stages may read about media that ingest owns: the record, its matches and its preview blobs. They
 * read through this port, never through ingest's DAOs, so the tables can change behind it.
 */
public final class MediaCatalog {
    private final Jdbi jdbi;

    public MediaCatalog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<MediaRecord> find(long id) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.find(id));
    }

    public List<MediaRecord> byStatus(long instanceId, String statusId) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.findByStatus(instanceId, statusId));
    }

    public List<MatchRecord> matches(long mediaId) {
        return jdbi.withExtension(MatchDao.class, dao -> dao.forMedia(mediaId));
    }

    /** The blurred greyscale preview. */
    public Optional<byte[]> preview(long id) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.preview(id));
    }

    /** The unblurred derivative shown on an audited reveal. */
    public Optional<byte[]> reveal(long id) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.reveal(id));
    }

    /** Media waiting or being processed. */
    public long countUnfinished() {
        return jdbi.withExtension(MediaDao.class, MediaDao::countUnfinished);
    }

    /** Media that could not be scanned since {@code since}. */
    public long countUnscannedSince(Instant since) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.countUnscannedSince(since));
    }
}
