package org.sightline.decide;

import java.util.Collection;
import java.util.Map;

/** How far the publishers behind subscribed banks are trusted, for the quorum rule of automatic decisions. */
public interface ListTrust {

    /** The trust level ({@code low | normal | high}) of each subscribed bank's publisher; local banks are absent. */
    Map<Long, String> forBanks(Collection<Long> bankIds);

    /** How many independent normal-trust lists must agree before Sightline acts without a moderator. */
    int quorum();
}
