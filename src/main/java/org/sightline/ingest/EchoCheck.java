package org.sightline.ingest;

import org.jdbi.v3.core.Handle;
import org.sightline.ingest.mastodon.MastodonEvent;
import org.sightline.ingest.mastodon.MediaRef;
import org.sightline.instances.Instance;

import java.time.Instant;

/**
 * Tells an event caused by Sightline's own action on a status (its report, the post it marked sensitive)
 * from new evidence, so that acting does not feed itself. Answered by the stage that acts.
 */
public interface EchoCheck {

    /** Whether {@code event} about {@code ref} is Sightline's own action (taken since {@code since}) coming back. */
    boolean isEcho(Handle transaction, Instance instance, MastodonEvent event, MediaRef ref, Instant since);

    EchoCheck NEVER = (h, instance, event, ref, since) -> false;
}
