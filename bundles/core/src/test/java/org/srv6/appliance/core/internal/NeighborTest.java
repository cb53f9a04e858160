package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.testkit.Packets;

/** Packets waiting for a next hop (RFC 4861 §7.2.2, RFC 826): held, sent, or released, never leaked. */
public class NeighborTest extends DataplaneTestSupport {
    private static final String TARGET = "2001:db8:1::3";
    private static final String TARGET_MAC = "02:00:00:00:01:03";

    private static byte[] toTarget(int seq) {
        return Packets.ipv6(HOST0, TARGET).hopLimit(64).udp(1, seq, Packets.fill(20, seq)).bytes();
    }

    private static byte[] forwardedToTarget(int seq) {
        byte[] p = toTarget(seq);
        p[7] = 63;
        return Packets.ethernet(TARGET_MAC, P1_MAC, Packets.ETH_IPV6, p);
    }

    private void holdOne(int seq) throws Exception {
        long held = dp.counters().buffersHeld();
        p0.inject(fromHost0(Packets.ETH_IPV6, toTarget(seq)));
        await("held", () -> dp.counters().buffersHeld() == held + 1, 2000);
    }

    @Test
    public void atMostThreePacketsWaitPerNeighborTheFourthIsDroppedQueueFull() throws Exception {
        for (int i = 1; i <= 3; i++) {
            holdOne(i);
        }
        assertEquals("one solicitation for the three", 135, poll(p1)[54] & 0xff);
        p0.inject(fromHost0(Packets.ETH_IPV6, toTarget(4)));
        awaitDrop(DropReason.NEIGHBOR_QUEUE_FULL, 1);
        assertEquals(3, dp.counters().buffersHeld());
        byte[] na = Packets.ipv6(TARGET, P1_ADDR).hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0x60000000),
                Packets.ip6(TARGET), Packets.bytes(2, 1), Packets.mac(TARGET_MAC))).bytes();
        p1.inject(Packets.ethernet(P1_MAC, TARGET_MAC, Packets.ETH_IPV6, na));
        for (int i = 1; i <= 3; i++) {
            assertFrame("held packet " + i + ", in order", forwardedToTarget(i), poll(p1));
        }
        assertNothingSent(p1, 100);
    }

    /** A PERMANENT entry (ip neigh add) is not changed by advertisements, as in Linux. */
    @Test
    public void advertisementDoesNotOverrideAStaticNeighbor() throws Exception {
        byte[] na = Packets.ipv6(HOST1, P1_ADDR).hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0x20000000),
                Packets.ip6(HOST1), Packets.bytes(2, 1), Packets.mac("02:00:00:00:66:66"))).bytes();
        p1.inject(Packets.ethernet(P1_MAC, "02:00:00:00:66:66", Packets.ETH_IPV6, na));
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(8, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] out = poll(p1);
        assertFrame("still to the static MAC", Packets.mac(HOST1_MAC), Packets.slice(out, 0, 6));
    }

    @Test
    public void staticNeighborAddedWhileResolvingSendsTheHeldPacket() throws Exception {
        holdOne(1);
        poll(p1); // the solicitation
        dp.neighbors().add(TARGET, TARGET_MAC, "p1");
        assertFrame("the held packet", forwardedToTarget(1), poll(p1));
        assertEquals(0, dp.counters().buffersHeld());
    }

    @Test
    public void flushingNeighborsReleasesHeldPackets() throws Exception {
        holdOne(1);
        holdOne(2);
        dp.neighbors().flush("p1");
        assertEquals("buffers held after ip neigh flush", 0, dp.counters().buffersHeld());
        assertTrue("permanent entries stay", dp.neighbors().list(6).stream()
                .anyMatch(n -> n.address().equals(HOST1) && n.state().equals("PERMANENT")));
    }

    @Test
    public void deletingTheNeighborReleasesHeldPackets() throws Exception {
        holdOne(1);
        dp.neighbors().delete(TARGET, "p1");
        assertEquals("buffers held after ip neigh del", 0, dp.counters().buffersHeld());
    }

    @Test
    public void deletingThePortReleasesHeldPackets() throws Exception {
        MemoryPort p2 = dp.ports().addMemory("p2");
        dp.addresses().add("p2", "2001:db8:2::1/64");
        String t = "2001:db8:2::5";
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, t).hopLimit(64).udp(1, 2, Packets.fill(20, 0))
                .bytes()));
        assertEquals("solicitation on p2", 135, poll(p2)[54] & 0xff);
        await("held", () -> dp.counters().buffersHeld() == 1, 2000);
        dp.ports().delete("p2");
        await("buffers held after ip link del back to 0, is " + dp.counters().buffersHeld(), () -> dp.counters().buffersHeld() == 0, 2000);
        assertStillAnswers();
    }

    @Test
    public void failedResolutionIsRetriedByTheNextPacket() throws Exception {
        holdOne(1);
        byte[] err = p0.poll(6000);
        assertEquals("Destination Unreachable", 1, err[54] & 0xff);
        assertEquals("FAILED", dp.neighbors().list(6).stream().filter(n -> n.address().equals(TARGET))
                .findFirst().orElseThrow().state());
        while (p1.poll(0) != null) {
            // the three solicitations
        }
        holdOne(2);
        byte[] ns = poll(p1);
        assertEquals("a new solicitation", 135, ns[54] & 0xff);
        byte[] na = Packets.ipv6(TARGET, P1_ADDR).hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0x60000000),
                Packets.ip6(TARGET), Packets.bytes(2, 1), Packets.mac(TARGET_MAC))).bytes();
        p1.inject(Packets.ethernet(P1_MAC, TARGET_MAC, Packets.ETH_IPV6, na));
        assertFrame("sent once resolved", forwardedToTarget(2), poll(p1));
    }

    @Test
    public void unresolvedIpv4NextHopIsResolvedWithArp() throws Exception {
        String target = "10.1.0.3";
        byte[] pkt = Packets.ipv4(HOST0_4, target).id(9).ttl(64).payload(17, Packets.fill(30, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] request = Packets.ethernet("ff:ff:ff:ff:ff:ff", P1_MAC, Packets.ETH_ARP,
                Packets.arp(1, P1_MAC, P1_ADDR4, "00:00:00:00:00:00", target));
        assertFrame("ARP request", request, poll(p1));
        await("held", () -> dp.counters().buffersHeld() == 1, 2000);
        byte[] reply = Packets.ethernet(P1_MAC, TARGET_MAC, Packets.ETH_ARP,
                Packets.arp(2, TARGET_MAC, target, P1_MAC, P1_ADDR4));
        p1.inject(reply);
        byte[] expected = Packets.ipv4(HOST0_4, target).id(9).ttl(63).payload(17, Packets.fill(30, 0)).bytes();
        assertFrame("the held IPv4 packet", Packets.ethernet(TARGET_MAC, P1_MAC, Packets.ETH_IPV4, expected), poll(p1));
    }

    /**
     * Closing the dataplane while frames are still queued on its event loop: whatever those
     * frames become (replies, packets waiting for a neighbor) is released, none leaks.
     */
    @Test
    public void closeWithFramesInFlightLeaksNoBuffer() throws Exception {
        assertNoLeakReported(0);
        for (int i = 0; i < 2000; i++) {
            p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, P0_ADDR, 64, 0x2222, i, 32)));
        }
        Dataplane closing = dp;
        dp = null; // let the collector find whatever the closed dataplane still references
        closing.close();
        closing = null;
        p0 = null;
        p1 = null;
        assertNoLeakReported(3000);
    }
}
