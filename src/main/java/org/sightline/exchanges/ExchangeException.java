package org.sightline.exchanges;

/** A fetch that failed, with a message an admin can act on (never a credential or a response body). */
public class ExchangeException extends Exception {
    public ExchangeException(String message) {
        super(message);
    }
}
