package org.sightline.fetch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

class AddressPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "127.0.0.1", "127.8.9.10", "100.64.0.1",
            "100.127.255.254", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.1.1", "192.0.0.8",
            "192.0.2.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1",
            "239.255.255.250", "240.0.0.1", "255.255.255.255",
            "::", "::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::10.0.0.1",
            "fe80::1", "fec0::1", "fc00::1", "fd12:3456:789a::1", "ff02::1", "ff05::2", "2001:db8::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:a00:1::1",
            "2002:7f00:1::1", "100::1",
    })
    void refuses_non_public_addresses(String address) throws UnknownHostException {
        assertThat(AddressPolicy.isPublic(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1.1.1.1", "8.8.8.8", "93.184.215.14", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.169.0.1", "169.255.0.1", "223.255.255.254", "198.20.0.1",
            "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "2002:808:808::1",
    })
    void permits_public_unicast_addresses(String address) throws UnknownHostException {
        assertThat(AddressPolicy.isPublic(InetAddress.getByName(address))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void looks_inside_ipv4_mapped_addresses_kept_in_ipv6_form() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        InetAddress metadata = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(metadata).isInstanceOf(java.net.Inet6Address.class);
        assertThat(AddressPolicy.isPublic(metadata)).isFalse();
        mapped[12] = 8;
        mapped[13] = 8;
        mapped[14] = 8;
        mapped[15] = 8;
        assertThat(AddressPolicy.isPublic(java.net.Inet6Address.getByAddress(null, mapped, -1))).isTrue();
    }
}
