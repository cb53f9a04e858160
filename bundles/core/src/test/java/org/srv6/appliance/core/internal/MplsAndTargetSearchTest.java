package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.behavior.endbm.internal.EndBmBehavior;
import org.srv6.appliance.behavior.ends.internal.EndSBehavior;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * End.BM (RFC 8986 §4.15) and End.S (draft-filsfils-spring-srv6-network-programming-06 §4.18)
 * through the whole packet path: End.BM's L2_NH6 / L2_NH4 verdict leaves the port as an MPLS
 * frame (Ethernet type 0x8847) to the next hop's MAC once NDP / ARP resolved it; End.S's
 * route lookup (ctx.routes) sees the tables of the dataplane and its FORWARD_NH6 / End leave by
 * the right port.
 */
public class MplsAndTargetSearchTest extends DataplaneTestSupport {
    private static final String BM_SID = "fc00:b::1";
    private static final String S_SID = "fc00:5::1";
    private static final String TARGET = "2001:db8:1::3";
    private static final String TARGET_MAC = "02:00:00:00:01:03";
    private static final String TARGET4 = "10.1.0.3";
    /** The object End.S searches, Segment List[0]. */
    private static final String OBJECT = "2001:db8:c::42";
    private static final int MPLS = 0x8847;

    @Before
    public void behaviors() throws Exception {
        dp.behaviors().addProvider(new Provider("End.BM", "ENDPOINT", new EndBmBehavior(), 11, 0, 11, "end.bm", "1.0.0"));
        dp.behaviors().addProvider(new Provider("End.S", "ENDPOINT", new EndSBehavior(), 12, 0, 12, "end.s", "1.0.0"));
    }

    private void sid(String sid, String action, String... params) throws Exception {
        dp.routes().add(new RouteSpec(6, sid + "/128", null, "p0", 254, 0, "seg6local", action, List.of(params)));
    }

    /** From host0 to the End.BM SID with path (SID, HOST1, fc00:e::9), SL 2, hop limit hl. */
    private static Ipv6Builder toBm(int sl, String dst, int hl) {
        return Packets.ipv6(HOST0, dst).hopLimit(hl).srh(sl, BM_SID, HOST1, "fc00:e::9").udp(7, 8, Packets.fill(24, 3));
    }

    private static byte[] na(String target, String mac, String to) {
        return Packets.ipv6(target, to).hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0x60000000),
                Packets.ip6(target), Packets.bytes(2, 1), Packets.mac(mac))).bytes();
    }

    @Test
    public void endBmFrameLeavesAsMplsToTheNh6ResolvedByNdp() throws Exception {
        sid(BM_SID, "End.BM", "mpls", "1000/2000", "nh6", TARGET);
        p0.inject(fromHost0(Packets.ETH_IPV6, toBm(2, BM_SID, 64).bytes()));
        byte[] ns = poll(p1);
        assertEquals("neighbor solicitation for the next hop", 135, ns[54] & 0xff);
        await("held", () -> dp.counters().buffersHeld() == 1, 2000);
        p1.inject(Packets.ethernet(P1_MAC, TARGET_MAC, Packets.ETH_IPV6, na(TARGET, TARGET_MAC, P1_ADDR)));
        // label 1000 TTL 63 | label 2000, S, TTL 63 | the IPv6 packet after the End step
        byte[] stack = Packets.unhex("003e803f" + "007d013f");
        assertFrame("MPLS frame to the resolved MAC", Packets.ethernet(TARGET_MAC, P1_MAC, MPLS,
                Packets.cat(stack, toBm(1, HOST1, 63).bytes())), poll(p1));
        assertEquals(1, dp.sr().sids().get(0).packets());
    }

    @Test
    public void endBmFrameLeavesAsMplsToTheNh4ResolvedByArp() throws Exception {
        sid(BM_SID, "End.BM", "mpls", "17", "nh4", TARGET4);
        p0.inject(fromHost0(Packets.ETH_IPV6, toBm(2, BM_SID, 9).bytes()));
        assertFrame("ARP request", Packets.ethernet("ff:ff:ff:ff:ff:ff", P1_MAC, Packets.ETH_ARP,
                Packets.arp(1, P1_MAC, P1_ADDR4, "00:00:00:00:00:00", TARGET4)), poll(p1));
        await("held", () -> dp.counters().buffersHeld() == 1, 2000);
        p1.inject(Packets.ethernet(P1_MAC, TARGET_MAC, Packets.ETH_ARP, Packets.arp(2, TARGET_MAC, TARGET4, P1_MAC, P1_ADDR4)));
        assertFrame("MPLS frame to the ARP-resolved MAC", Packets.ethernet(TARGET_MAC, P1_MAC, MPLS,
                Packets.cat(Packets.unhex("00011108"), toBm(1, HOST1, 8).bytes())), poll(p1));
    }

    @Test
    public void endBmWithOifGoesOutThatPortToAKnownNeighbor() throws Exception {
        sid(BM_SID, "End.BM", "mpls", "5", "nh6", HOST1, "oif", "p1");
        p0.inject(fromHost0(Packets.ETH_IPV6, toBm(2, BM_SID, 64).bytes()));
        assertFrame("MPLS frame to host1", Packets.ethernet(HOST1_MAC, P1_MAC, MPLS,
                Packets.cat(Packets.unhex("0000513f"), toBm(1, HOST1, 63).bytes())), poll(p1));
    }

    @Test
    public void endBmBiggerThanTheMtuIsDroppedCounted() throws Exception {
        sid(BM_SID, "End.BM", "mpls", "5", "nh6", HOST1, "oif", "p1");
        dp.ports().setMtu("p1", 1280);
        byte[] big = Packets.ipv6(HOST0, BM_SID).srh(2, BM_SID, HOST1, "fc00:e::9").udp(7, 8, Packets.fill(1280 - 40 - 56 - 8, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, big));
        awaitDrop(DropReason.MTU_EXCEEDED, 1);
        assertNothingSent(p1, 100);
    }

    /** From host0 to the End.S SID with path (SID, HOST0's neighbor fc00 prefix..., OBJECT). */
    private static Ipv6Builder toS(int sl, String dst, int hl) {
        return Packets.ipv6(HOST0, dst).hopLimit(hl).srh(sl, S_SID, HOST0, OBJECT).udp(7, 8, Packets.fill(16, 5));
    }

    @Test
    public void endSMatchOfTheObjectInTableTForwardsThereWithDaAndSlUntouched() throws Exception {
        sid(S_SID, "End.S", "table", "100");
        dp.routes().add(new RouteSpec(6, "2001:db8:c::/64", HOST1, "p1", 100, 0, null, null, null));
        p0.inject(fromHost0(Packets.ETH_IPV6, toS(2, S_SID, 64).bytes()));
        assertFrame("toward the object's route in table 100, hop limit 63, DA and SL as received",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, toS(2, S_SID, 63).bytes()), poll(p1));
        assertNothingSent(p0, 50);
    }

    @Test
    public void endSWithoutMatchInTableTIsEnd() throws Exception {
        sid(S_SID, "End.S", "table", "100");
        // the object is routed in main, not in table 100: no match
        dp.routes().add(new RouteSpec(6, "2001:db8:c::/64", HOST1, "p1", 254, 0, null, null, null));
        dp.routes().add(new RouteSpec(6, "2001:db8:d::/64", HOST1, "p1", 100, 0, null, null, null));
        p0.inject(fromHost0(Packets.ETH_IPV6, toS(2, S_SID, 64).bytes()));
        assertFrame("End: SL 1, DA the next segment (host0), out p0",
                Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6, toS(1, HOST0, 63).bytes()), poll(p0));
        assertNothingSent(p1, 50);
    }

    @Test
    public void endSAtSegmentsLeftZeroIsDroppedCounted() throws Exception {
        sid(S_SID, "End.S", "table", "100");
        dp.routes().add(new RouteSpec(6, "2001:db8:c::/64", HOST1, "p1", 100, 0, null, null, null));
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, S_SID).srh(0, OBJECT, S_SID).udp(7, 8, Packets.fill(16, 5)).bytes()));
        awaitDrop(DropReason.SL_ZERO, 1);
        assertNothingSent(p1, 50);
        assertEquals(1, dp.sr().sids().get(0).drops());
    }

    @Test
    public void endSMatchAtHopLimitOneGetsTimeExceeded() throws Exception {
        sid(S_SID, "End.S", "table", "100");
        dp.routes().add(new RouteSpec(6, "2001:db8:c::/64", HOST1, "p1", 100, 0, null, null, null));
        byte[] in = toS(2, S_SID, 1).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, in));
        assertFrame("Time Exceeded quoting the packet as received",
                icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, in), poll(p0));
        assertNothingSent(p1, 50);
    }
}
