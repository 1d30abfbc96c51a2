package org.sightline.config;

/** A configuration value is missing or malformed; the message is fit to show to the admin as is. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
