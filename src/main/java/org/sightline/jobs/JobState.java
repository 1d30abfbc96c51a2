package org.sightline.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import org.sightline.common.WireName;

/** Where a job is: waiting, running, or finished one of three ways. */
public enum JobState implements WireName {
    QUEUED("queued"),
    RUNNING("running"),
    DONE("done"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    @Override
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
