package org.sightline.instances;

import java.util.Optional;

/** Following an instance's public timelines, and backfilling them: for the instances page and API. */
public interface Follows {

    /** The follower's state for {@code instance}, if it was ever followed. */
    Optional<FollowState> state(Instance instance);

    /**
     * Starts a backfill of the watched timelines' last {@code days} days as a job; returns the job's id. Refused
     * when the instance is not watched or has no token.
     */
    long backfill(Instance instance, int days, String actor);
}
