package org.sightline.actions;

/** How one attempt ended: done, worth retrying (5xx, timeouts), or failed for good (4xx, bad settings). */
public record ActionOutcome(Status status, Integer httpStatus, String detail) {
    public enum Status { DONE, RETRY, FAILED }

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
