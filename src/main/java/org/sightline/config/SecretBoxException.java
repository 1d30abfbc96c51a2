package org.sightline.config;

/** A sealed secret that cannot be opened; the message says why and never contains the value. */
public class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
        super(message);
    }
}
