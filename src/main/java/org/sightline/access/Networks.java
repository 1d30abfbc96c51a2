package org.sightline.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of address blocks in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}, or one address), for routes
 * that admit callers by where they connect from. Empty: nobody. Parsing never looks a name up.
 */
public final class Networks {
    private record Block(byte[] prefix, int bits, String text) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (address[i] != prefix[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Block> blocks;

    private Networks(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public static Networks none() {
        return new Networks(List.of());
    }

    /**
     * Parses a list of CIDRs separated by commas or spaces; a YAML list ({@code ["10.0.0.0/8", "::1"]}) reads the
     * same. Throws {@link IllegalArgumentException} naming the first bad block.
     */
    public static Networks parse(String list) {
        List<Block> out = new ArrayList<>();
        if (list == null) return new Networks(out);
        String cleaned = list.replace('[', ' ').replace(']', ' ').replace('"', ' ').replace('\'', ' ');
        for (String part : cleaned.split("[,\\s]+")) {
            if (part.isBlank()) continue;
            out.add(block(part.trim()));
        }
        return new Networks(out);
    }

    private static Block block(String cidr) {
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!literal(addr)) throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
        }
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + cidr + "': the prefix length must be 0.." + max);
            }
        }
        return new Block(bytes, bits, cidr);
    }

    /** Only IPv4 dotted quads and IPv6 literals: anything else would make {@link InetAddress} resolve a name. */
    private static boolean literal(String s) {
        return !s.isEmpty() && (s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || (s.contains(":") && s.matches("[0-9A-Fa-f:.]+")));
    }

    /** Whether the address literal (as a servlet reports a peer) lies in one of the blocks; false when unparsable. */
    public boolean contains(String address) {
        if (blocks.isEmpty() || address == null) return false;
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = a.indexOf('%');
        if (zone >= 0) a = a.substring(0, zone);
        if (!literal(a)) return false;
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        for (Block b : blocks) if (b.contains(bytes)) return true;
        return false;
    }

    @Override
    public String toString() {
        return blocks.stream().map(Block::text).toList().toString();
    }
}
