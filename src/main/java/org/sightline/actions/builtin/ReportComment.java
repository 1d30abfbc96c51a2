package org.sightline.actions.builtin;

import org.sightline.actions.ActionContext;
import org.sightline.actions.PluginMedia;

/**
 * What an instance's moderators read in a report filed by Sightline: what is asked, where to look and the
 * evidence (bank, signal, distance, labels). Built only from {@link PluginMedia}, which never carries a hash
 * list's private notes.
 */
final class ReportComment {
    private ReportComment() {
    }

    /**
     * The comment, cut to {@code maxChars} (instances refuse longer ones). Where to look comes before the
     * evidence, so a long list of matches loses its tail rather than the post.
     */
    static String write(ActionContext c, String postUrl, int maxChars) {
        PluginMedia m = c.media();
        StringBuilder sb = new StringBuilder("Sightline: ");
        sb.append(c.action().equals("mark_sensitive") ? "please mark this media sensitive. " : "reported media. ");
        if (m.statusId() != null) {
            sb.append("Post ").append(m.statusId()).append(postUrl == null ? "" : " (" + postUrl + ")").append(", ");
        }
        sb.append("media ").append(m.id());
        if (m.attachmentId() != null) sb.append(", attachment ").append(m.attachmentId());
        sb.append(". ");
        for (PluginMedia.Evidence e : m.evidence()) {
            sb.append("Matched ").append(e.bank()).append(" (").append(e.signalType()).append(" distance ")
                    .append(e.distance()).append(e.labels().isEmpty() ? "" : ", " + String.join("/", e.labels()))
                    .append("). ");
        }
        if (m.evidence().isEmpty()) sb.append("Flagged by a moderator.");
        return cut(sb.toString().strip(), maxChars);
    }

    /** Cuts without splitting a surrogate pair (an emoji in a bank name would otherwise end in half a character). */
    private static String cut(String s, int max) {
        if (s.length() <= max) return s;
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
