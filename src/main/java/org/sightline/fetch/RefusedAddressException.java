package org.sightline.fetch;

import java.io.IOException;

/** A host whose every resolved address the {@link AddressPolicy} refuses; raised before any connection. */
final class RefusedAddressException extends IOException {
    RefusedAddressException(String host) {
        super(host + " resolves only to addresses that are not allowed (private, loopback, link-local or reserved)",
                null);
    }
}
