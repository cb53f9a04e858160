package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.testkit.Packets;

/** IPv6/IPv4 forwarding, neighbor resolution and the ICMP errors of forwarding (SPEC §3, §1.2). */
public class ForwardingTest extends DataplaneTestSupport {

    @Test
    public void ipv6ForwardingDecrementsHopLimitAndRewritesEthernetOnly() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, HOST1).trafficClass(0x12).flowLabel(0xabcde).hopLimit(64)
                .udp(1000, 2000, Packets.fill(100, 5)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] out = poll(p1);
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertFrame("forwarded frame (hop limit - 1, payload untouched, src = p1 MAC, dst = neighbor MAC)",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, expected), out);
        assertNothingSent(p0, 50);
    }

    @Test
    public void ipv4ForwardingDecrementsTtlAndUpdatesHeaderChecksum() throws Exception {
        byte[] pkt = Packets.ipv4(HOST0_4, HOST1_4).tos(0x10).id(0x3456).flagsFrag(0x4000).ttl(64)
                .payload(17, Packets.fill(64, 2)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] out = poll(p1);
        assertEquals("TTL", 63, out[14 + 8] & 0xff);
        assertEquals("header checksum = recomputed", Packets.ipv4Checksum(out, 14), Packets.u16(out, 14 + 10));
        byte[] expected = Packets.ipv4(HOST0_4, HOST1_4).tos(0x10).id(0x3456).flagsFrag(0x4000).ttl(63)
                .payload(17, Packets.fill(64, 2)).bytes();
        assertFrame("forwarded IPv4 frame", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV4, expected), out);
    }

    /**
     * RFC 1624 §3 / the kernel's ip_decrease_ttl: when the incremental update lands on 0xFFFF
     * (-0), the header carries 0x0000, what a recomputation gives and what Linux sends.
     */
    @Test
    public void ipv4ForwardingChecksumEqualsRecomputationWhenIncrementalUpdateGivesNegativeZero() throws Exception {
        int src = Packets.ip4(HOST0_4);
        int dst = Packets.ip4(HOST1_4);
        byte[] pkt = null;
        for (int id = 0; id < 0x10000; id++) {
            byte[] p = Packets.ipv4(src, dst).id(id).ttl(64).payload(17, Packets.fill(16, 0)).bytes();
            if (Packets.u16(p, 10) == 0xfeff) {
                pkt = p;
                break;
            }
        }
        assertTrue("an identification giving checksum 0xfeff", pkt != null);
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] out = poll(p1);
        assertEquals("TTL", 63, out[14 + 8] & 0xff);
        assertEquals("header checksum = recomputed (0x0000, as Linux), not 0xffff",
                String.format("%04x", Packets.ipv4Checksum(out, 14)), String.format("%04x", Packets.u16(out, 14 + 10)));
    }

    @Test
    public void unresolvedNextHopIsSolicitedHeldAndSentWhenTheAdvertisementArrives() throws Exception {
        String target = "2001:db8:1::3";
        String targetMac = "02:00:00:00:01:03";
        byte[] pkt = Packets.ipv6(HOST0, target).hopLimit(64).udp(1, 2, Packets.fill(20, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] ns = poll(p1);
        // Computed outside the appliance: to the solicited-node group of the target, from p1's
        // address, hop limit 255, source link-layer option = p1's MAC.
        assertFrame("neighbor solicitation", Packets.unhex("3333ff00000302000000aa0186dd6000000000203aff"
                + "20010db8000100000000000000000001" + "ff0200000000000000000001ff000003"
                + "8700722200000000" + "20010db8000100000000000000000003" + "010102000000aa01"), ns);
        await("the packet held", () -> dp.counters().buffersHeld() == 1, 2000);
        assertNothingSent(p1, 100);

        byte[] na = Packets.ipv6(target, P1_ADDR).hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0x60000000),
                Packets.ip6(target), Packets.bytes(2, 1), Packets.mac(targetMac))).bytes();
        p1.inject(Packets.ethernet(P1_MAC, targetMac, Packets.ETH_IPV6, na));
        byte[] out = poll(p1);
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertFrame("the held packet", Packets.ethernet(targetMac, P1_MAC, Packets.ETH_IPV6, expected), out);
        await("nothing held", () -> dp.counters().buffersHeld() == 0, 2000);
        // Resolved: the next packet leaves at once.
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("the next packet", Packets.ethernet(targetMac, P1_MAC, Packets.ETH_IPV6, expected), poll(p1));
    }

    @Test
    public void unansweredResolutionDropsHeldPacketWithAddressUnreachable() throws Exception {
        String target = "2001:db8:1::4";
        byte[] pkt = Packets.ipv6(HOST0, target).hopLimit(64).udp(1, 2, Packets.fill(20, 1)).bytes();
        long start = System.nanoTime();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] err = p0.poll(6000);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertFrame("Destination Unreachable code 3 quoting the packet (hop limit already decremented)",
                icmp6ErrorToHost0(P0_ADDR, 1, 3, 0, withHopLimit(pkt, 63)), err);
        assertTrue("given up after about 3 s, took " + ms + " ms", ms >= 2500 && ms <= 5000);
        assertEquals(DropReason.NEIGHBOR_UNRESOLVED.label(), 1, drop(DropReason.NEIGHBOR_UNRESOLVED));
        assertEquals("buffers held", 0, dp.counters().buffersHeld());
        int probes = 0;
        while (p1.poll(0) != null) {
            probes++;
        }
        assertEquals("neighbor solicitations sent", 3, probes);
    }

    private static byte[] withHopLimit(byte[] pkt, int hl) {
        byte[] c = pkt.clone();
        c[7] = (byte) hl;
        return c;
    }

    @Test
    public void hopLimitOneGetsTimeExceededFromIngressAddress() throws Exception {
        // traffic class and flow label of the packet are not copied into the error (SPEC §1.4)
        byte[] pkt = Packets.ipv6(HOST0, HOST1).trafficClass(0x2e).flowLabel(0x12345).hopLimit(1)
                .udp(1, 2, Packets.fill(30, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("Time Exceeded code 0", icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, pkt), poll(p0));
        assertEquals(1, drop(DropReason.HOP_LIMIT));
        assertNothingSent(p1, 50);
    }

    @Test
    public void noRouteGetsDestinationUnreachableNoRoute() throws Exception {
        String dst = "2001:db8:99::1";
        byte[] pkt = Packets.ipv6(HOST0, dst).hopLimit(64).udp(1, 2, Packets.fill(30, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("Destination Unreachable code 0", icmp6ErrorToHost0(P0_ADDR, 1, 0, 0, pkt), poll(p0));
        assertEquals(1, drop(DropReason.NO_ROUTE));
    }

    @Test
    public void packetBiggerThanOutputMtuGetsPacketTooBigQuotedWithin1280() throws Exception {
        dp.ports().setMtu("p1", 1300);
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(1400 - 48, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] err = poll(p0);
        assertEquals("error packet length", 1280, err.length - 14);
        assertFrame("Packet Too Big with the MTU", icmp6ErrorToHost0(P0_ADDR, 2, 0, 1300, Packets.slice(pkt, 0, 1232)),
                err);
        assertEquals(1, drop(DropReason.MTU_EXCEEDED));
        assertNothingSent(p1, 50);
        // Exactly the MTU passes.
        byte[] fits = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(1300 - 48, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, fits));
        assertEquals(14 + 1300, poll(p1).length);
    }

    @Test
    public void timeExceededForBigPacketIsQuotedWithin1280() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(1).udp(1, 2, Packets.fill(1500 - 48, 1)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] err = poll(p0);
        assertEquals("error packet length", 1280, err.length - 14);
        assertFrame("Time Exceeded cut to 1280", icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, Packets.slice(pkt, 0, 1232)), err);
    }

    @Test
    public void ipv4TtlOneGetsTimeExceeded() throws Exception {
        int src = Packets.ip4(HOST0_4);
        byte[] pkt = Packets.ipv4(src, Packets.ip4(HOST1_4)).id(0x77).ttl(1).payload(17, Packets.fill(40, 4)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] err = poll(p0);
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV4,
                Packets.ipv4(Packets.ip4(P0_ADDR4), src).ttl(64).icmp(11, 0, Packets.cat(Packets.u32(0), pkt)).bytes());
        assertFrame("ICMP Time Exceeded from p0's IPv4 address", expected, err);
        assertEquals("IPv4 header checksum", Packets.ipv4Checksum(err, 14), Packets.u16(err, 24));
        assertEquals("ICMP checksum", 0, Packets.fold(Packets.sum(err, 34, err.length - 34, 0)));
        assertNothingSent(p1, 50);
    }

    /**
     * RFC 4443 §2.4(f): token bucket per port, default {@code srv6.icmp.rate} = 100/s with a
     * burst of as many (read once, when Dataplane is initialised: Integer.getInteger).
     */
    @Test
    public void icmpErrorsAreRateLimitedPerRfc4443() throws Exception {
        assertEquals("this test assumes the default rate", null, System.getProperty("srv6.icmp.rate"));
        int n = 400;
        String dst = "2001:db8:99::1";
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            byte[] pkt = Packets.ipv6(HOST0, dst).hopLimit(64).udp(1, i, Packets.fill(8, i)).bytes();
            p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        }
        awaitDrop(DropReason.NO_ROUTE, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        int sent = 0;
        while (p0.poll(200) != null) {
            sent++;
        }
        long limited = drop(DropReason.ICMP_RATE_LIMITED);
        assertEquals("every packet either answered or counted icmp-rate-limited", n, sent + limited);
        assertTrue("errors sent " + sent + " in " + seconds + " s; expected the burst of 100 plus 100/s",
                sent >= 100 && sent <= 100 + (int) Math.ceil(100 * seconds) + 1);
    }

    @Test
    public void ethernetPaddingIsNotForwarded() throws Exception {
        byte[] pkt = Packets.ipv4(HOST0_4, HOST1_4).id(5).ttl(64).payload(17, Packets.fill(8, 0)).bytes(); // 28 bytes
        p0.inject(Packets.cat(fromHost0(Packets.ETH_IPV4, pkt), new byte[18])); // padded to 60
        byte[] expected = Packets.ipv4(HOST0_4, HOST1_4).id(5).ttl(63).payload(17, Packets.fill(8, 0)).bytes();
        assertFrame("forwarded without the padding", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV4, expected),
                poll(p1));
    }

    @Test
    public void echoToAnotherPortsAddressIsAnsweredFromThatAddress() throws Exception {
        byte[] body = Packets.cat(Packets.u16(9), Packets.u16(9), Packets.fill(8, 9));
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, P1_ADDR).hopLimit(64).icmpv6(128, 0, body).bytes()));
        assertFrame("reply from p1's address, out p0",
                Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(P1_ADDR, HOST0).hopLimit(64).icmpv6(129, 0, body).bytes()), poll(p0));
        assertNothingSent(p1, 50);
    }

    /** RFC 4443 §2.4(e.1): no error message about an error message. */
    @Test
    public void noIcmpv6ErrorAboutAnIcmpv6Error() throws Exception {
        byte[] inner = Packets.ipv6(HOST1, HOST0).hopLimit(64).udp(1, 2, Packets.fill(8, 0)).bytes();
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(1).icmpv6Error(1, 4, 0, inner).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        awaitDrop(DropReason.HOP_LIMIT, 1);
        assertNothingSent(p0, 200);
        assertNothingSent(p1, 0);
    }

    @Test
    public void ipv4DontFragmentBiggerThanMtuGetsFragmentationNeededWithTheMtu() throws Exception {
        dp.ports().setMtu("p1", 1000);
        int src = Packets.ip4(HOST0_4);
        byte[] pkt = Packets.ipv4(src, Packets.ip4(HOST1_4)).id(0x99).flagsFrag(0x4000).ttl(64)
                .payload(17, Packets.fill(1200 - 20, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] err = poll(p0);
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV4, Packets.ipv4(Packets.ip4(P0_ADDR4), src)
                .ttl(64).icmp(3, 4, Packets.cat(Packets.u32(1000), Packets.slice(pkt, 0, 548))).bytes());
        assertFrame("Fragmentation Needed, next-hop MTU 1000, quote within 576 bytes", expected, err);
        assertEquals(1, drop(DropReason.MTU_EXCEEDED));
        assertNothingSent(p1, 50);
    }

    @Test
    public void routeViaGatewaySendsToTheGatewaysMac() throws Exception {
        dp.routes().add(new RouteSpec(6, "2001:db8:77::/48", HOST1, null, 254, 0, null, null, null));
        String dst = "2001:db8:77::5";
        byte[] pkt = Packets.ipv6(HOST0, dst).hopLimit(64).udp(1, 2, Packets.fill(10, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("to the gateway host1",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, withHopLimit(pkt, 63)), poll(p1));
    }

    /** SPEC §1.2: the token bucket is per port; p0's exhausted bucket does not silence p1. */
    @Test
    public void icmpRateLimitIsPerIngressPort() throws Exception {
        String dst = "2001:db8:99::1";
        for (int i = 0; i < 150; i++) {
            p0.inject(fromHost0(Packets.ETH_IPV6,
                    Packets.ipv6(HOST0, dst).hopLimit(64).udp(1, i, new byte[0]).bytes()));
        }
        awaitDrop(DropReason.NO_ROUTE, 150);
        assertTrue("p0 limited", drop(DropReason.ICMP_RATE_LIMITED) >= 40);
        byte[] pkt = Packets.ipv6(HOST1, dst).hopLimit(64).udp(1, 2, new byte[0]).bytes();
        p1.inject(fromHost1(Packets.ETH_IPV6, pkt));
        assertFrame("error through p1", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6,
                Packets.ipv6(P1_ADDR, HOST1).hopLimit(64).icmpv6Error(1, 0, 0, pkt).bytes()), poll(p1));
        while (p0.poll(0) != null) {
            // the errors p0 sent
        }
    }

    /** srv6:stats: per-port rx/tx/drop counters and the global received count. */
    @Test
    public void portCountersCountWhatPassedAndWhatWasDropped() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(50, 0)).bytes();
        byte[] frame = fromHost0(Packets.ETH_IPV6, pkt);
        var in0 = dp.ports().counters("p0");
        var out1 = dp.ports().counters("p1");
        long rx = dp.counters().rxPackets();
        p0.inject(frame);
        poll(p1);
        p0.inject(fromHost0(0x88b5, Packets.fill(46, 0)));
        awaitDrop(DropReason.BAD_ETHERTYPE, 1);
        var in0After = dp.ports().counters("p0");
        var out1After = dp.ports().counters("p1");
        assertEquals("p0 rx packets", in0.rxPackets() + 2, in0After.rxPackets());
        assertEquals("p0 rx bytes", in0.rxBytes() + frame.length + 60, in0After.rxBytes());
        assertEquals("p0 rx dropped", in0.rxDropped() + 1, in0After.rxDropped());
        assertEquals("p1 tx packets", out1.txPackets() + 1, out1After.txPackets());
        assertEquals("p1 tx bytes", out1.txBytes() + frame.length, out1After.txBytes());
        assertEquals("received in all", rx + 2, dp.counters().rxPackets());
    }

    /**
     * Martian sources are not forwarded. IPv6 (RFC 4291 §2.5.2/§2.5.6, Linux ip6_forward: "this
     * check is security critical"): source :: dropped, link-local source answered with Destination
     * Unreachable code 2 and dropped. IPv4 (RFC 1812 §5.3.7, Linux ip_route_input_slow
     * martian_source): source 0.0.0.0, 127/8, multicast or 255.255.255.255 dropped.
     */
    @Test
    public void packetsFromMartianSourcesAreNotForwarded() throws Exception {
        for (String src : new String[] {"::", "fe80::2"}) {
            byte[] pkt = Packets.ipv6(src, HOST1).hopLimit(64).udp(1, 2, Packets.fill(10, 0)).bytes();
            p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
            assertNothingSent(p1, 200);
        }
        for (String src : new String[] {"0.0.0.0", "127.0.0.1", "224.0.0.5", "255.255.255.255"}) {
            byte[] pkt = Packets.ipv4(src, HOST1_4).id(1).ttl(64).payload(17, Packets.fill(10, 0)).bytes();
            p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
            assertNothingSent(p1, 200);
        }
        while (p0.poll(0) != null) {
            // Destination Unreachable for the link-local source, if sent
        }
    }
}
