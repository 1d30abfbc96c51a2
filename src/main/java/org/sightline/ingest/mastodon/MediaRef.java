package org.sightline.ingest.mastodon;

import org.sightline.fetch.MediaFetcher;

import java.net.URI;

/**
 * One attachment to scan.
 *
 * @param attachmentId Mastodon's media attachment id
 * @param mediaType    {@code image}, {@code gifv}, {@code video}, {@code audio} or {@code unknown}
 * @param fetchUrl     what to download: {@code url} for images, videos and gifv (or {@code remote_url} while the
 *                     local copy is missing), the still {@code preview_url} for everything else
 * @param statusId     the status the attachment belongs to (for a boost: the boosted status)
 * @param statusUrl    that status's web address, may be null
 * @param accountId    the author of that status
 * @param acct         the author's {@code acct} ({@code user} or {@code user@domain}), may be null
 * @param sensitive    whether the status was already marked sensitive
 * @param boostId      the local status that boosted it, or null when it is not reached through a boost
 * @param fullVideo    {@code fetchUrl} is a video's (or gifv's) whole file: fetched under the video byte cap
 */
public record MediaRef(String attachmentId, String mediaType, URI fetchUrl, String statusId, String statusUrl,
                       String accountId, String acct, boolean sensitive, String boostId, boolean fullVideo) {

    public MediaRef(String attachmentId, String mediaType, URI fetchUrl, String statusId, String statusUrl,
                    String accountId, String acct, boolean sensitive, String boostId) {
        this(attachmentId, mediaType, fetchUrl, statusId, statusUrl, accountId, acct, sensitive, boostId, false);
    }

    @Override
    public String toString() {
        // loggable: the URL without its query string
        return "MediaRef[" + attachmentId + ", " + mediaType + ", " + MediaFetcher.redact(fetchUrl) + ", status "
                + statusId + ", account " + accountId + (boostId == null ? "" : ", boosted by " + boostId) + "]";
    }
}
