package org.sightline.federation;

/** Why a sync was refused; the message is stored on the subscription and shown to admins as it is. */
public final class SyncException extends RuntimeException {
    public SyncException(String message) {
        super(message);
    }
}
