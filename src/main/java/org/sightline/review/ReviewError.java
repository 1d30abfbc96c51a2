package org.sightline.review;

/** A decision or claim the review service refuses, with the HTTP status the panel answers. */
public final class ReviewError extends RuntimeException {
    private final int status;

    public ReviewError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
