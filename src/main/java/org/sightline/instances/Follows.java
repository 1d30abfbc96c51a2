package org.sightline.instances;

import java.util.Optional;

/** Following an instance's public timelines, and backfilling them: for the instances page and API. */
public interface Follows {
    /** How far back a backfill may page, in days. */
    int MAX_BACKFILL_DAYS = 365;
    /** Why a number of days was refused (the API and the panel parse it, the service checks the range). */
    String DAYS_RULE = "days must be a whole number from 1 to " + MAX_BACKFILL_DAYS;

    /** The follower's state for {@code instance}, if it was ever followed. */
    Optional<FollowState> state(Instance instance);

    /**
     * Starts a backfill of the watched timelines' last {@code days} days as a job; returns the job's id. Refused
     * when the instance is not watched or has no token, or {@code days} is not 1 to {@value #MAX_BACKFILL_DAYS}.
     */
    long backfill(Instance instance, int days, String actor);
}
