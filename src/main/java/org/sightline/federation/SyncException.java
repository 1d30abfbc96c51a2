package org.sightline.federation;

import org.sightline.common.Refusal;

/** Why a sync was refused; the message is stored on the subscription and shown to admins as it is. */
public final class SyncException extends Refusal {
    public SyncException(String message) {
        super(Kind.UNPROCESSABLE, "sync_refused", message);
    }
}
