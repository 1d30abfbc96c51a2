package org.sightline.actions;

/**
 * How one attempt ended: done, worth retrying (5xx, timeouts), or failed for good (4xx, bad settings).
 * {@code remoteId} is the instance's id of what a done action created (a report's id), or null: Sightline uses
 * it to recognise its own report when the instance echoes it back.
 */
public record ActionOutcome(Status status, Integer httpStatus, String detail, String remoteId) {
    public enum Status { DONE, RETRY, FAILED }

    public ActionOutcome(Status status, Integer httpStatus, String detail) {
        this(status, httpStatus, detail, null);
    }

    public ActionOutcome withRemoteId(String id) {
        return new ActionOutcome(status, httpStatus, detail, id);
    }

    public static ActionOutcome done(Integer httpStatus, String detail) {
        return new ActionOutcome(Status.DONE, httpStatus, detail);
    }

    public static ActionOutcome retry(Integer httpStatus, String detail) {
        return new ActionOutcome(Status.RETRY, httpStatus, detail);
    }

    public static ActionOutcome failed(Integer httpStatus, String detail) {
        return new ActionOutcome(Status.FAILED, httpStatus, detail);
    }

    /** The usual reading of an HTTP answer: 2xx done, 5xx/408/429 retry, other 4xx failed. */
    public static ActionOutcome fromHttp(int status, String what) {
        if (status >= 200 && status < 300) return done(status, what + ": HTTP " + status);
        if (status >= 500 || status == 408 || status == 429) return retry(status, what + ": HTTP " + status);
        return failed(status, what + ": HTTP " + status);
    }
}
