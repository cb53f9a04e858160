package org.srv6.appliance.core.internal;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * RFC 8986 §4.16.3 USD through the whole packet path: the packet the SID exposes (IPv6 or IPv4,
 * with Segments Left 0 or without SRH) is forwarded by the core like any received packet.
 */
public class UsdForwardingTest extends DataplaneTestSupport {
    private static final String SID = "fc00:9::1";

    @Before
    public void usdSid() throws Exception {
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 1, 0, 1, "test.end", "1.0.0"));
        dp.routes().add(new RouteSpec(6, SID + "/128", null, "p0", 254, 0, "seg6local", "End", List.of("flavors", "usd")));
    }

    private static Ipv4Builder inner4(int ttl) {
        return Packets.ipv4(HOST0_4, HOST1_4).ttl(ttl).id(0x77).udp(5, 6, Packets.fill(20, 9));
    }

    @Test
    public void innerIpv4AtSegmentsLeftZeroIsForwardedWithTtlDecremented() throws Exception {
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, SID).srh(0, SID).ipv4(inner4(64)).bytes()));
        assertFrame("the inner IPv4 packet, TTL 63, checksum updated",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV4, inner4(63).bytes()), poll(p1));
    }

    @Test
    public void innerIpv4WithoutSrhIsForwarded() throws Exception {
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, SID).ipv4(inner4(30)).bytes()));
        assertFrame("the inner IPv4 packet, TTL 29",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV4, inner4(29).bytes()), poll(p1));
    }

    @Test
    public void innerIpv6IsForwardedWithHopLimitDecremented() throws Exception {
        Ipv6Builder in = Packets.ipv6(HOST0, HOST1).hopLimit(20).udp(5, 6, Packets.fill(20, 9));
        Ipv6Builder out = Packets.ipv6(HOST0, HOST1).hopLimit(19).udp(5, 6, Packets.fill(20, 9));
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, SID).srh(0, SID).ipv6(in).bytes()));
        assertFrame("the inner IPv6 packet, hop limit 19",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, out.bytes()), poll(p1));
    }

    @Test
    public void exposedPacketIsLookedUpInTheTableOfTheIngressPort() throws Exception {
        // p0 bound to table 100: the SID and the route to the inner destination are found there
        dp.ports().setTable("p0", 100);
        dp.routes().add(new RouteSpec(6, "fc00:9::2/128", null, "p0", 100, 0, "seg6local", "End", List.of("flavors", "usd")));
        dp.routes().add(new RouteSpec(4, "10.7.0.0/24", HOST1_4, "p1", 100, 0, null, null, null));
        Ipv4Builder in = Packets.ipv4(HOST0_4, "10.7.0.9").ttl(9).udp(5, 6, Packets.fill(4, 1));
        Ipv4Builder out = Packets.ipv4(HOST0_4, "10.7.0.9").ttl(8).udp(5, 6, Packets.fill(4, 1));
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, "fc00:9::2").srh(0, "fc00:9::2").ipv4(in).bytes()));
        assertFrame("forwarded by table 100", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV4, out.bytes()), poll(p1));
    }
}
