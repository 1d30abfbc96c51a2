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

    /** The same, inside the caller's transaction (a later stage's hook in the deciding transaction). */
    public static Optional<MediaRecord> find(org.jdbi.v3.core.Handle transaction, long id) {
        return transaction.attach(MediaDao.class).find(id);
    }

    /** The media's matches, inside the caller's transaction. */
    public static List<MatchRecord> matches(org.jdbi.v3.core.Handle transaction, long mediaId) {
        return transaction.attach(MatchDao.class).forMedia(mediaId);
    }

    public List<MediaRecord> byStatus(long instanceId, String statusId) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.findByStatus(instanceId, statusId));
    }

    /** A scanned video's own signals (vPDQ text, video_md5, length), empty for an image. */
    public Optional<MediaDao.VideoRow> video(long mediaId) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.videoRow(mediaId));
    }

    /** The times (s) of a video's contact-sheet frames, in order; frame i's blobs are "sheet-p-i" and "sheet-r-i". */
    public List<Double> contactSheet(long mediaId) {
        String times = jdbi.withExtension(MediaDao.class, dao -> dao.contactSheetTimes(mediaId)).orElse(null);
        if (times == null || times.isBlank()) return List.of();
        List<Double> out = new java.util.ArrayList<>();
        for (String t : times.split(",")) out.add(Double.parseDouble(t));
        return out;
    }

    /** One contact-sheet frame's blurred greyscale preview, or with {@code reveal} its colour copy. */
    public Optional<byte[]> sheetFrame(long mediaId, int index, boolean reveal) {
        return jdbi.withExtension(MediaDao.class, dao -> dao.blob(mediaId,
                reveal ? MediaDao.sheetReveal(index) : MediaDao.sheetPreview(index)));
    }

    public List<MatchRecord> matches(long mediaId) {
        return jdbi.withExtension(MatchDao.class, dao -> dao.forMedia(mediaId));
    }

    /**
     * Every classifier's stored answer on one media item (model, version, scores by label or the error), and
     * whether its author marked the post sensitive (null: not known).
     */
    public List<StoredClassification> classifications(long mediaId) {
        return jdbi.withExtension(ClassificationDao.class, dao -> dao.forMedia(mediaId)).stream()
                .map(StoredClassification::of).toList();
    }

    /** What the file said about itself (camera, time, GPS presence, provenance hints); NONE when nothing. */
    public FileMetadata fileMetadata(long mediaId) {
        return jdbi.withExtension(FileMetadataDao.class, dao -> dao.find(mediaId)).orElse(FileMetadata.NONE);
    }

    /** The media item's explained risk score, once decided. */
    public java.util.Optional<org.sightline.decide.Risk> risk(long mediaId) {
        return jdbi.withExtension(ClassificationDao.class, dao -> dao.risk(mediaId)).map(row -> {
            List<org.sightline.decide.Risk.Reason> reasons = new java.util.ArrayList<>();
            try {
                for (var r : StoredClassification.JSON.readTree(row.riskReasons() == null ? "[]" : row.riskReasons())) {
                    reasons.add(new org.sightline.decide.Risk.Reason(r.path("points").asInt(), r.path("text").asText()));
                }
            } catch (java.io.IOException e) {
                // not expected (reasons are clipped to fit their column whole); the score stands, the list is shown
                // as far as it parses
            }
            return new org.sightline.decide.Risk(row.riskScore(), reasons);
        });
    }

    /**
     * The post the media item belongs to as the case page shows it (text, content warning, sensitive flag,
     * visibility, link, author); empty when no source said, or after retention purged it.
     */
    public Optional<org.sightline.ingest.post.PostContext> post(long mediaId) {
        return jdbi.withExtension(PostDao.class, dao -> dao.find(mediaId)).map(PostDao.Row::context);
    }

    public Boolean markedSensitive(long mediaId) {
        return jdbi.withExtension(ClassificationDao.class, dao -> dao.sensitive(mediaId));
    }

    /** One classifier's answer as the scan API and the case page show it. */
    public record StoredClassification(String classifier, String model, String version,
                                       java.util.Map<String, Double> scores, String error) {
        static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        static StoredClassification of(ClassificationDao.Row row) {
            java.util.Map<String, Double> scores = new java.util.LinkedHashMap<>();
            if (row.scores() != null) {
                try {
                    JSON.readTree(row.scores()).fields().forEachRemaining(e -> scores.put(e.getKey(), e.getValue().asDouble()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("stored classifier scores are not JSON", e);
                }
            }
            return new StoredClassification(row.classifier(), row.model(), row.modelVersion(),
                    java.util.Collections.unmodifiableMap(scores), row.error());
        }

        /** The scan API's shape: classifier, model, version, scores (label → score), error. */
        public java.util.Map<String, Object> toJson() {
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("classifier", classifier);
            doc.put("model", model);
            doc.put("version", version);
            doc.put("scores", scores);
            if (error != null) doc.put("error", error);
            return doc;
        }

        /** Scores as percentages for the case page's bars, highest first. */
        public List<java.util.Map<String, Object>> bars() {
            return scores.entrySet().stream().sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> java.util.Map.<String, Object>of("label", e.getKey(),
                            "percent", Math.round(e.getValue() * 1000) / 10.0)).toList();
        }
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
