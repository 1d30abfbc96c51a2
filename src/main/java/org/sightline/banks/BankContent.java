package org.sightline.banks;

import org.sightline.common.Refusal;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;
import org.sightline.hashing.MediaException;
import org.sightline.hashing.MediaHasher;
import org.sightline.hashing.PdqResult;
import org.sightline.hashing.Signals;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSignals;
import org.sightline.matching.SignalType;
import org.sightline.matching.Vpdq;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds known media to a bank by its bytes or its URL: Sightline hashes it (an image to PDQ and MD5, a video or an
 * animation to vPDQ and video_md5) and adds those signals, refusing media whose hash would be unreliable (PDQ
 * quality under 50 for an image; no frame of quality 50 or more for a video).
 */
public final class BankContent {
    private final BankService banks;
    private final MediaHasher images;
    private final VideoHasher videos;
    private final MediaFetcher fetcher;
    private final long maxImageBytes;

    private final RecentMedia recent;

    /**
     * Matches recent media against entries just added (the retroactive matcher, wired in boot); returns the review
     * cases it opened (none for an observe-mode bank: its matches are recorded as observed).
     */
    @FunctionalInterface
    public interface RecentMedia {
        int matchAgainst(java.util.Set<Long> entryIds);

        RecentMedia NONE = ids -> 0;
    }

    public BankContent(BankService banks, MediaHasher images, VideoHasher videos, MediaFetcher fetcher,
                       long maxImageBytes) {
        this(banks, images, videos, fetcher, maxImageBytes, RecentMedia.NONE);
    }

    public BankContent(BankService banks, MediaHasher images, VideoHasher videos, MediaFetcher fetcher,
                       long maxImageBytes, RecentMedia recent) {
        this.recent = recent;
        this.banks = banks;
        this.images = images;
        this.videos = videos;
        this.fetcher = fetcher;
        this.maxImageBytes = maxImageBytes;
    }

    /**
     * What was added: the main entry's id (the pdq or vpdq entry), every entry's id, and the signals kept, as
     * {@code {"pdq", "md5"}} or {@code {"vpdq": [...], "video_md5"}}.
     */
    public record Added(long id, List<Long> ids, Map<String, Object> signals, int retroactiveCases) {
    }

    /** Fetches {@code url} SSRF-safely (public addresses only unless configured), within the video byte cap. */
    public byte[] fetch(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.trim());
        } catch (URISyntaxException e) {
            throw Refusal.invalid("url is not a valid URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            throw Refusal.invalid("url must be an http or https URL");
        }
        FetchResult got = fetcher.fetchVideo(uri, videos.decoder().limits().maxBytes());
        if (!got.isOk()) throw Refusal.invalid(got.outcome().label() + ": " + got.reason());
        return got.bytes();
    }

    public Added add(String bankName, byte[] bytes, List<String> labels, String note, String addedBy, String actor) {
        banks.get(bankName); // 404 before hashing
        if (bytes == null || bytes.length == 0) throw Refusal.invalid("the media is empty");
        List<BankService.NewEntry> entries = new ArrayList<>();
        Map<String, Object> signals = new LinkedHashMap<>();
        try {
            if (VideoHasher.isVideo(bytes)) {
                VideoSignals v = videos.hash(bytes);
                if (v.matchableFrames() == 0) {
                    throw Refusal.invalid("no frame of this video has PDQ quality 50 or more (too small or too plain "
                            + "to hash reliably); nothing was added");
                }
                String vpdq = Vpdq.canonical(v.vpdq());
                entries.add(new BankService.NewEntry(SignalType.VPDQ.wireName(), vpdq, labels, note, null, null));
                entries.add(new BankService.NewEntry(SignalType.VIDEO_MD5.wireName(), v.videoMd5(), labels, note,
                        null, null));
                signals.put("vpdq", v.vpdqText());
                signals.put("video_md5", v.videoMd5());
            } else {
                if (bytes.length > maxImageBytes) {
                    throw Refusal.invalid("too_large: " + bytes.length + " bytes is over the image limit of "
                            + maxImageBytes);
                }
                Signals s = images.hash(bytes);
                PdqResult pdq = s.pdq();
                if (!pdq.matchable()) {
                    throw Refusal.invalid("PDQ quality " + pdq.quality() + " is under 50 (too small or too plain to "
                            + "hash reliably); nothing was added");
                }
                entries.add(new BankService.NewEntry(SignalType.PDQ.wireName(), pdq.hash().hex(), labels, note, null,
                        null));
                entries.add(new BankService.NewEntry(SignalType.MD5.wireName(), s.md5(), labels, note, null, null));
                signals.put("pdq", pdq.hash().hex());
                signals.put("pdq_quality", pdq.quality());
                signals.put("md5", s.md5());
            }
        } catch (MediaException e) {
            throw Refusal.invalid(e.reason().label() + ": " + e.getMessage());
        }
        List<BankEntry> saved = banks.addEntries(bankName, entries, addedBy, actor);
        List<Long> ids = saved.stream().map(BankEntry::id).toList();
        // media seen in the last days that this (image or video) matches becomes a case now, not at its next upload
        int opened = recent.matchAgainst(new java.util.LinkedHashSet<>(ids));
        return new Added(ids.get(0), ids, signals, opened);
    }
}
