package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.behavior.endad.internal.EndAdBehavior;
import org.srv6.appliance.behavior.endas.internal.EndAsBehavior;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.testkit.Packets;

/**
 * End.AS and End.AD through the whole packet path on memory ports, both directions: host0 (p0)
 * is the SR network, host1 (p1) the service of an End.AS SID, host2 (p2) the IPv4 service of an
 * End.AD SID; the next segment after each proxy is NEXT, a neighbor on p0.
 */
public class ServiceProxyPathTest extends DataplaneTestSupport {
    private static final String AS_SID = "fc00::a5";
    private static final String AD_SID = "fc00::ad";
    private static final String NEXT = "2001:db8::3";
    private static final String P2_MAC = "02:00:00:00:aa:02";
    private static final String HOST2_MAC = "02:00:00:00:02:02";
    private static final String P2_ADDR4 = "10.2.0.1";
    private static final String HOST2_4 = "10.2.0.2";
    private static final String FOREIGN_MAC = "02:00:00:00:00:99";
    private static final byte[] NO_TLV = new byte[0];

    private MemoryPort p2;

    @Before
    public void proxies() throws Exception {
        p2 = dp.ports().addMemory("p2");
        dp.ports().setMac("p2", P2_MAC);
        dp.addresses().add("p2", P2_ADDR4 + "/24");
        dp.neighbors().add(HOST2_4, HOST2_MAC, "p2");
        dp.neighbors().add(NEXT, HOST0_MAC, "p0");
        dp.behaviors().addProvider(new Provider("End.AS", "ENDPOINT", new EndAsBehavior(), 21, 0, 21, "end.as", "1.0.0"));
        dp.behaviors().addProvider(new Provider("End.AD", "ENDPOINT", new EndAdBehavior(), 22, 0, 22, "end.ad", "1.0.0"));
        sid(AS_SID, "End.AS", "nh6", HOST1, "oif", "p1", "iif", "p1", "src", P0_ADDR, "segs", NEXT);
        sid(AD_SID, "End.AD", "nh4", HOST2_4, "oif", "p2", "iif", "p2");
    }

    private void sid(String sid, String action, String... params) throws Exception {
        dp.routes().add(new RouteSpec(6, sid + "/128", null, "p0", 254, 0, "seg6local", action, List.of(params)));
    }

    private static byte[] inner6(int hl) {
        return Packets.ipv6("2001:db8:100::1", "2001:db8:200::1", Packets.PROTO_UDP, hl, 0x14, 0x54321,
                Packets.udp("2001:db8:100::1", "2001:db8:200::1", 5, 6, Packets.fill(16, 1)));
    }

    private static byte[] inner4(int ttl) {
        return Packets.ipv4("10.100.0.1", "10.200.0.1", Packets.PROTO_UDP, ttl, 9, Packets.udp("10.100.0.1",
                "10.200.0.1", 5, 6, Packets.fill(16, 2)));
    }

    /** host0 to {@code sid} with the segment list (NEXT, sid) in header order, SL 1, then inner. */
    private static byte[] toSid(String sid, int nh, byte[] inner) {
        return Packets.ipv6(HOST0, sid, 43, 64, 0, 0, Packets.srh(nh, 1, 0, 0x42, List.of(NEXT, sid), NO_TLV, inner));
    }

    @Test
    public void endAsIpv6ServiceBothWays() throws Exception {
        p0.inject(fromHost0(Packets.ETH_IPV6, toSid(AS_SID, 41, inner6(50))));
        assertFrame("the inner packet to the service, hop limit - 1",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, inner6(49)), poll(p1));

        p1.inject(fromHost1(Packets.ETH_IPV6, inner6(49)));
        byte[] expected = Packets.ipv6(P0_ADDR, NEXT, 43, 48, 0x14, 0x54321,
                Packets.srh(41, 0, 0, 0, List.of(NEXT), NO_TLV, inner6(49)));
        assertFrame("back into the policy towards NEXT", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6, expected),
                poll(p0));

        // the claimed port still answers the service's NDP and pings
        p1.inject(fromHost1(Packets.ETH_IPV6, echoRequest6(HOST1, P1_ADDR, 64, 0x3333, 1, 8)));
        assertEquals("echo reply to the service", 129, poll(p1)[14 + 40] & 0xff);
        byte[] ns = Packets.ipv6(HOST1, "ff02::1:ff00:1").hopLimit(255).icmpv6(135, 0, Packets.cat(Packets.u32(0),
                Packets.ip6(P1_ADDR), Packets.bytes(1, 1), Packets.mac(HOST1_MAC))).bytes();
        p1.inject(Packets.ethernet("33:33:ff:00:00:01", HOST1_MAC, Packets.ETH_IPV6, ns));
        assertEquals("neighbor advertisement to the service", 136, poll(p1)[14 + 40] & 0xff);
        assertNothingSent(p0, 100);
    }

    @Test
    public void endAsL2ServiceCarriesFramesToForeignMacs() throws Exception {
        byte[] frame = Packets.ethernet(FOREIGN_MAC, "02:00:00:00:00:98", 0x88b5, Packets.fill(46, 4));
        p0.inject(fromHost0(Packets.ETH_IPV6, toSid(AS_SID, 143, frame)));
        assertFrame("the frame as it is out of oif", frame, poll(p1));

        byte[] back = Packets.ethernet(FOREIGN_MAC, "02:00:00:00:00:98", Packets.ETH_IPV6, inner6(30));
        p1.inject(back);
        byte[] expected = Packets.ipv6(P0_ADDR, NEXT, 43, 63, 0, 0,
                Packets.srh(143, 0, 0, 0, List.of(NEXT), NO_TLV, back));
        assertFrame("the whole frame back into the policy", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6, expected),
                poll(p0));
        // now that the service is L2, a broadcast from it is carried as well
        byte[] broadcast = Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:98", Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:00:98", "10.77.0.1", "00:00:00:00:00:00", "10.77.0.2"));
        p1.inject(broadcast);
        assertFrame("a broadcast from the L2 service", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(P0_ADDR, NEXT, 43, 63, 0, 0, Packets.srh(143, 0, 0, 0, List.of(NEXT), NO_TLV, broadcast))),
                poll(p0));
    }

    @Test
    public void endAdIpv4ServiceDropsUntilItLearnsThenPutsTheLearntHeadersBack() throws Exception {
        p2.inject(Packets.ethernet(P2_MAC, HOST2_MAC, Packets.ETH_IPV4, inner4(49)));
        awaitDrop(DropReason.PROXY_NOT_LEARNT, 1);
        assertNothingSent(p0, 100);

        p0.inject(fromHost0(Packets.ETH_IPV6, toSid(AD_SID, 4, inner4(50))));
        assertFrame("the inner packet to the service, TTL - 1, checksum updated",
                Packets.ethernet(HOST2_MAC, P2_MAC, Packets.ETH_IPV4, inner4(49)), poll(p2));

        p2.inject(Packets.ethernet(P2_MAC, HOST2_MAC, Packets.ETH_IPV4, inner4(49)));
        byte[] expected = Packets.ipv6(HOST0, NEXT, 43, 63, 0, 0,
                Packets.srh(4, 0, 0, 0x42, List.of(NEXT, AD_SID), NO_TLV, inner4(49)));
        assertFrame("the learnt headers, after the End step, towards NEXT",
                Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6, expected), poll(p0));

        // ARP for the appliance's own address on the claimed port is answered, not carried
        p2.inject(Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST2_MAC, Packets.ETH_ARP,
                Packets.arp(1, HOST2_MAC, HOST2_4, "00:00:00:00:00:00", P2_ADDR4)));
        byte[] reply = poll(p2);
        assertEquals("ARP reply", Packets.ETH_ARP, Packets.ethertype(reply));
        assertNothingSent(p0, 100);
    }
}
