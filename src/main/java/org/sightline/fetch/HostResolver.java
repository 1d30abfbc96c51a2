package org.sightline.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Name resolution, replaceable so tests can point names at chosen addresses without a DNS server. */
@FunctionalInterface
public interface HostResolver {

    /** All addresses of {@code host} (a name or an IP literal without brackets). */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
