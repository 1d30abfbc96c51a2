package org.sightline.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Decides which resolved addresses the fetcher may connect to. It is applied to the addresses handed to
 * the socket connector, after name resolution, so a name that resolves to a public address when checked
 * and a private one when connecting (DNS rebinding) cannot slip through.
 */
@FunctionalInterface
public interface AddressPolicy {

    boolean permits(InetSocketAddress address);

    /** Public unicast addresses only: what a media fetcher on a server should reach by default. */
    static AddressPolicy publicOnly() {
        return address -> address.getAddress() != null && isPublic(address.getAddress());
    }

    /** Every address (the {@code fetch.allow_private_addresses} setting, used by tests and closed networks). */
    static AddressPolicy any() {
        return address -> address.getAddress() != null;
    }

    default AddressPolicy or(AddressPolicy other) {
        return address -> permits(address) || other.permits(address);
    }

    /**
     * False for loopback, private (RFC 1918), link-local, site-local, multicast, unspecified, CGNAT
     * (100.64/10), benchmarking and documentation ranges, reserved 240/4 and broadcast, IPv6 ULA
     * (fc00::/7), and the IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) of any
     * of those; Teredo (2001::/32) is refused outright since its embedded address is obfuscated.
     */
    static boolean isPublic(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) return isPublicV4(b);
        if (address instanceof Inet6Address) return isPublicV6(b);
        return false;
    }

    private static boolean isPublicV4(byte[] b) {
        int a0 = b[0] & 0xFF, a1 = b[1] & 0xFF, a2 = b[2] & 0xFF;
        if (a0 == 0) return false;                                  // 0.0.0.0/8 "this network", unspecified
        if (a0 == 10) return false;                                 // 10/8 private
        if (a0 == 127) return false;                                // loopback
        if (a0 == 100 && (a1 & 0xC0) == 64) return false;           // 100.64/10 CGNAT
        if (a0 == 169 && a1 == 254) return false;                   // link-local (cloud metadata lives here)
        if (a0 == 172 && (a1 & 0xF0) == 16) return false;           // 172.16/12 private
        if (a0 == 192 && a1 == 168) return false;                   // 192.168/16 private
        if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) return false; // IETF assignments, TEST-NET-1
        if (a0 == 198 && (a1 & 0xFE) == 18) return false;           // 198.18/15 benchmarking
        if (a0 == 198 && a1 == 51 && a2 == 100) return false;       // TEST-NET-2
        if (a0 == 203 && a1 == 0 && a2 == 113) return false;        // TEST-NET-3
        if (a0 >= 224) return false;                                // multicast 224/4, reserved 240/4, broadcast
        return true;
    }

    private static boolean isPublicV6(byte[] b) {
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                first10Zero = false;
                break;
            }
        }
        if (first10Zero) {
            int w5 = ((b[10] & 0xFF) << 8) | (b[11] & 0xFF);
            if (w5 == 0xFFFF) return isPublicV4(tail4(b, 12));       // ::ffff:a.b.c.d IPv4-mapped
            if (w5 == 0) {
                // ::/128 unspecified, ::1 loopback, ::a.b.c.d IPv4-compatible (deprecated)
                return isPublicV4(tail4(b, 12));
            }
        }
        int w0 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int w1 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if ((w0 & 0xFE00) == 0xFC00) return false;                   // fc00::/7 unique local
        if ((w0 & 0xFFC0) == 0xFE80) return false;                   // fe80::/10 link-local
        if ((w0 & 0xFFC0) == 0xFEC0) return false;                   // fec0::/10 site-local (deprecated)
        if ((w0 & 0xFF00) == 0xFF00) return false;                   // ff00::/8 multicast
        if (w0 == 0x0100 && w1 == 0 && allZero(b, 4, 8)) return false; // 100::/64 discard-only
        if (w0 == 0x2001 && w1 == 0x0DB8) return false;              // 2001:db8::/32 documentation
        if (w0 == 0x2001 && w1 == 0) return false;                   // 2001::/32 Teredo
        if (w0 == 0x0064 && w1 == 0xFF9B) {
            // 64:ff9b::/96 NAT64 embeds the IPv4 address; the local-use 64:ff9b:1::/48 is refused
            return allZero(b, 4, 12) && isPublicV4(tail4(b, 12));
        }
        if (w0 == 0x2002) return isPublicV4(tail4(b, 2));            // 2002::/16 6to4 embeds the IPv4 address
        if (first10Zero) return false;                               // anything else under ::/80 is not unicast
        return true;
    }

    private static byte[] tail4(byte[] b, int from) {
        return new byte[]{b[from], b[from + 1], b[from + 2], b[from + 3]};
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }
}
