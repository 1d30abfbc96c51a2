package org.sightline.ingest;

import java.util.List;

/** What was done about a media item, for the scan API's media document; answered by the stage that acts. */
public interface ActionsTaken {

    List<Taken> forMedia(long mediaId);

    /** One action request and how far it got. */
    record Taken(long id, String action, String state, int attempts, String result) {
    }
}
