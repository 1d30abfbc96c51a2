package org.sightline.ingest.post;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mastodon's status {@code content} (HTML) as plain text: line and paragraph breaks kept, every tag dropped,
 * character references decoded. The result is stored and shown escaped, never as HTML, so nothing of the remote
 * markup (scripts, links, styles) reaches the panel.
 */
public final class PostText {
    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern PARAGRAPH_END = Pattern.compile("(?i)</p\\s*>");
    private static final Pattern DROPPED_ELEMENTS = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>?");
    private static final Pattern REFERENCE = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

    private PostText() {
    }

    /** The text of {@code html}, or null for null; at most {@code limit} characters (cut ones end with …). */
    public static String plain(String html, int limit) {
        if (html == null) return null;
        String s = DROPPED_ELEMENTS.matcher(html).replaceAll("");
        s = BREAK.matcher(s).replaceAll("\n");
        s = PARAGRAPH_END.matcher(s).replaceAll("\n\n");
        s = TAG.matcher(s).replaceAll("");
        s = decode(s);
        s = BLANK_LINES.matcher(s.replace("\r", "")).replaceAll("\n\n").strip();
        return cut(s, limit);
    }

    /** Plain text (a Misskey note, a content warning) cut to {@code limit}; null stays null. */
    public static String cut(String text, int limit) {
        if (text == null) return null;
        if (text.length() <= limit) return text;
        int end = limit - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) end--; // never split a character in two
        return text.substring(0, end) + "…";
    }

    private static String decode(String s) {
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String replacement;
            if (ref.startsWith("#")) {
                int cp;
                try {
                    cp = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X')
                            ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1));
                } catch (NumberFormatException e) {
                    cp = -1;
                }
                replacement = Character.isValidCodePoint(cp) && cp != 0 && !(cp >= 0xD800 && cp <= 0xDFFF)
                        ? new String(Character.toChars(cp)) : "\uFFFD";
            } else {
                replacement = switch (ref) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "nbsp" -> " ";
                    default -> m.group();
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
