package org.sightline.store;

/**
 * The sizes of the text columns that outside input reaches (see {@code db/migration}), in one place: every edge
 * checks a value against these before it is bound, so an over-long field is refused (400) or cut with a note,
 * never a database error on every retry. Lengths are in Java chars, which never undercount the database's.
 */
public final class Columns {
    /** An instance's own ids: {@code media.status_id, account_id, attachment_id, report_id}. */
    public static final int SOURCE_ID = 64;
    public static final int MEDIA_ACCT = 300;
    public static final int MEDIA_STATUS_URL = 1000;
    public static final int MEDIA_FETCH_URL = 2000;
    public static final int MEDIA_REPORT_COMMENT = 2000;
    public static final int MEDIA_METADATA = 8000;
    public static final int WEBHOOK_DEDUPE_KEY = 300;

    public static final int ENTRY_NOTE = 2000;
    public static final int ENTRY_ADDED_BY = 200;
    public static final int ENTRY_SOURCE_LIST = 500;

    public static final int INSTANCE_BASE_URL = 500;
    /** {@code instances.webhook_secret} holds the sealed secret, which is longer than the plain one. */
    public static final int INSTANCE_WEBHOOK_SECRET_SEALED = 1000;

    public static final int SUBSCRIPTION_LIST_NAME = 64;
    public static final int SUBSCRIPTION_PUBLISHER = 200;
    public static final int SUBSCRIPTION_LAST_ERROR = 1000;

    private Columns() {
    }

    public static boolean fits(String value, int limit) {
        return value == null || value.length() <= limit;
    }

    /** The value cut to {@code limit} chars, never splitting a surrogate pair. */
    public static String truncate(String value, int limit) {
        if (fits(value, limit)) return value;
        int end = limit;
        if (end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) end--;
        return value.substring(0, end);
    }

    /** Null when the value fits, else the one-line reason to refuse it with (names the field, never the value). */
    public static String overLimit(String field, String value, int limit) {
        return fits(value, limit) ? null
                : field + " is " + value.length() + " characters; at most " + limit + " are allowed";
    }
}
