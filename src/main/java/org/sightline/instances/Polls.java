package org.sightline.instances;

import java.util.Optional;

/** Polling an instance that sends no webhooks (Misskey): started from the instances page and API. */
public interface Polls {

    /**
     * Polls {@code instance} now ({@code force}: even if it is not due). The number of files queued, or empty when
     * another node is polling it at this moment.
     */
    Optional<Integer> poll(Instance instance, boolean force);

    /** The last poll's state, if the instance was ever polled. */
    Optional<PollState> state(Instance instance);
}
