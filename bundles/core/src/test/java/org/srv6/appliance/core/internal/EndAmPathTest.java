package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.behavior.endam.internal.EndAmBehavior;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * End.AM (draft-ietf-spring-sr-service-programming §6.4) through the whole packet path, memory
 * ports on every side: host0 on p0 sends to the SID; the service is host1 on p1 (one port both
 * ways) or host2 behind p2/p1 (oif p2, iif p1); what the service returns on iif leaves toward the
 * restored active segment, with the hop limit decremented once each way (SPEC §1.4).
 */
public class EndAmPathTest extends DataplaneTestSupport {
    private static final String AM = "fc00:a::1";
    private static final String NEXT = "fc00:b::1";
    private static final String LAST = "fc00:d::6";
    private static final String P2_MAC = "02:00:00:00:aa:02";
    private static final String HOST2_MAC = "02:00:00:00:02:02";
    private static final String HOST2 = "2001:db8:2::2";

    private MemoryPort p2;

    @Before
    public void endAm() throws Exception {
        dp.behaviors().addProvider(new Provider("End.AM", "ENDPOINT", new EndAmBehavior(), 21, 0, 21, "end.am", "1.0.0"));
        p2 = dp.ports().addMemory("p2");
        dp.ports().setMac("p2", P2_MAC);
        dp.addresses().add("p2", "2001:db8:2::1/64");
        dp.neighbors().add(HOST2, HOST2_MAC, "p2");
        // the next segment is reached through host0
        dp.routes().add(new RouteSpec(6, "fc00:b::/64", HOST0, "p0", 254, 0, null, null, null));
    }

    private void sid(String... params) throws Exception {
        dp.routes().add(new RouteSpec(6, AM + "/128", null, "p0", 254, 0, "seg6local", "End.AM", List.of(params)));
    }

    /** host0 -> DA with an SRH of sl over AM, NEXT, LAST and an inner IPv6 packet. */
    private static Ipv6Builder packet(String da, int sl, int hl) {
        return Packets.ipv6(HOST0, da).hopLimit(hl).trafficClass(0x10).flowLabel(0xabcde).srh(sl, AM, NEXT, LAST)
                .ipv6(Packets.ipv6("fc00:1::10", "fc00:2::20").udp(1000, 2000, Packets.fill(20, 9)));
    }

    @Test
    public void oneServicePortBothWays() throws Exception {
        sid("nh6", HOST1, "oif", "p1", "iif", "p1");
        p0.inject(fromHost0(Packets.ETH_IPV6, packet(AM, 2, 64).bytes()));
        // masquerading: SL 1, DA = SRH[0], hop limit -1, the rest as received
        assertFrame("to the service", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6,
                packet(LAST, 1, 63).bytes()), poll(p1));
        // the service routes it back by its DA, hop limit -1 of its own
        p1.inject(fromHost1(Packets.ETH_IPV6, packet(LAST, 1, 62).bytes()));
        // de-masquerading: DA = SRH[SL] = NEXT, hop limit -1 again, forwarded as End would
        assertFrame("after the service, toward the next segment", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                packet(NEXT, 1, 61).bytes()), poll(p0));
        SidInfo s = dp.sr().sids().get(0);
        assertTrue("a proxy SID", s.proxy());
        assertEquals("to the service", 1, s.packets());
        assertEquals("from the service", 1, s.fromPackets());
        assertEquals(0, s.drops());
        assertEquals(0, s.fromDrops());
    }

    @Test
    public void separateOifAndIif() throws Exception {
        sid("nh6", HOST2, "oif", "p2", "iif", "p1");
        p0.inject(fromHost0(Packets.ETH_IPV6, packet(AM, 2, 64).bytes()));
        assertFrame("to the service out p2", Packets.ethernet(HOST2_MAC, P2_MAC, Packets.ETH_IPV6,
                packet(LAST, 1, 63).bytes()), poll(p2));
        assertNothingSent(p1, 50);
        p1.inject(fromHost1(Packets.ETH_IPV6, packet(LAST, 1, 62).bytes()));
        assertFrame("after the service", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                packet(NEXT, 1, 61).bytes()), poll(p0));
        // p2 is not claimed: a packet arriving there to LAST is routed plainly (no route: Destination
        // Unreachable to its source, host0)
        p2.inject(Packets.ethernet(P2_MAC, HOST2_MAC, Packets.ETH_IPV6, packet(LAST, 1, 62).bytes()));
        byte[] unreachable = poll(p0);
        assertEquals("unclaimed p2: Destination Unreachable", 1, unreachable[14 + 40] & 0xff);
        assertEquals("quoting the packet as it came", Packets.hex(packet(LAST, 1, 62).bytes()),
                Packets.hex(java.util.Arrays.copyOfRange(unreachable, 14 + 48, unreachable.length)));
    }

    @Test
    public void slZeroAtTheSidIsDroppedCounted() throws Exception {
        sid("nh6", HOST1, "oif", "p1", "iif", "p1");
        p0.inject(fromHost0(Packets.ETH_IPV6, packet(AM, 0, 64).bytes()));
        awaitDrop(DropReason.SL_ZERO, 1);
        assertNothingSent(p1, 50);
    }

    @Test
    public void malformedSrhAtTheSidGetsParameterProblem() throws Exception {
        sid("nh6", HOST1, "oif", "p1", "iif", "p1");
        byte[] in = packet(AM, 4, 64).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, in));
        assertFrame("Parameter Problem at Segments Left", icmp6ErrorToHost0(P0_ADDR, 4, 0, 43, in), poll(p0));
        assertNothingSent(p1, 50);
    }

    @Test
    public void hopLimitOneAtTheSidGetsTimeExceededQuotingThePacketAsReceived() throws Exception {
        sid("nh6", HOST1, "oif", "p1", "iif", "p1");
        byte[] in = packet(AM, 2, 1).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, in));
        assertFrame("Time Exceeded", icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, in), poll(p0));
        assertNothingSent(p1, 50);
    }

    @Test
    public void returningPacketsThatMatchNothingAreDroppedCountedAndTheApplianceStillAnswers() throws Exception {
        sid("nh6", HOST1, "oif", "p1", "iif", "p1");
        // no SRH
        p1.inject(fromHost1(Packets.ETH_IPV6, udp6Packet(HOST1, LAST, 64, 8)));
        awaitDrop(DropReason.NO_SRH, 1);
        // malformed SRH: dropped, no Parameter Problem back to the service
        p1.inject(fromHost1(Packets.ETH_IPV6, packet(LAST, 4, 62).bytes()));
        awaitDrop(DropReason.SRH_MALFORMED, 1);
        // IPv4 not for the appliance and a non-IP frame
        p1.inject(fromHost1(Packets.ETH_IPV4, Packets.ipv4(HOST1_4, "10.9.9.9").ttl(64).udp(1, 2, Packets.fill(8, 1)).bytes()));
        p1.inject(fromHost1(0x88b5, Packets.fill(46, 2)));
        awaitDrop(DropReason.BAD_ETHERTYPE, 2);
        assertNothingSent(p1, 50);
        assertNothingSent(p0, 50);
        assertEquals("refused on the way back", 4, dp.sr().sids().get(0).fromDrops());
        assertEquals(0, dp.sr().sids().get(0).drops());
        // the appliance's own addresses on the claimed port are still answered: echo, ARP, NDP
        p1.inject(fromHost1(Packets.ETH_IPV6, echoRequest6(HOST1, P1_ADDR, 64, 0x3333, 1, 8)));
        assertEquals("echo reply", 129, poll(p1)[14 + 40] & 0xff);
        p1.inject(Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST1_MAC, Packets.ETH_ARP,
                Packets.arp(1, HOST1_MAC, HOST1_4, "00:00:00:00:00:00", P1_ADDR4)));
        assertFrame("ARP reply", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_ARP,
                Packets.arp(2, P1_MAC, P1_ADDR4, HOST1_MAC, HOST1_4)), poll(p1));
        byte[] target = Packets.ip6(P1_ADDR);
        String solicited = "ff02::1:ff00:1";
        p1.inject(Packets.ethernet("33:33:ff:00:00:01", HOST1_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST1, solicited).hopLimit(255).icmpv6(135, 0, Packets.cat(Packets.u32(0), target,
                        Packets.bytes(1, 1), Packets.mac(HOST1_MAC))).bytes()));
        byte[] na = poll(p1);
        assertEquals("neighbor advertisement", 136, na[14 + 40] & 0xff);
    }

    @Test
    public void aServicePortThatDoesNotExistIsRefusedWithOneLine() throws Exception {
        for (List<String> params : List.of(List.of("nh6", HOST1, "oif", "p9", "iif", "p1"),
                List.of("nh6", HOST1, "oif", "p1", "iif", "p9"))) {
            try {
                sid(params.toArray(new String[0]));
                fail("accepted " + params);
            } catch (DataplaneException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("unknown port p9"));
                assertFalse(e.getMessage(), e.getMessage().contains("\n"));
            }
        }
        assertTrue("nothing configured", dp.sr().sids().isEmpty());
    }

    @Test
    public void serviceOifDeletedLaterNeverBreaksThePacketPath() throws Exception {
        sid("nh6", HOST2, "oif", "p2", "iif", "p1");
        dp.ports().delete("p2");
        // the SID stays configured, inactive: its packets are dropped and counted, nothing throws
        // (INTERNAL stays 0, checked after each test)
        p0.inject(fromHost0(Packets.ETH_IPV6, packet(AM, 2, 64).bytes()));
        awaitDrop(DropReason.PORT_ABSENT, 1);
        assertEquals(1, dp.sr().sids().size());
        assertFalse(dp.sr().sids().get(0).active());
        // and p1 is no longer claimed: what arrives there is routed plainly (no route to LAST)
        p1.inject(fromHost1(Packets.ETH_IPV6, packet(LAST, 1, 62).bytes()));
        assertEquals("Destination Unreachable to host0", 1, poll(p0)[14 + 40] & 0xff);
        assertStillAnswers();
    }
}
