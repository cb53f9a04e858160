package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.RouteSpec;

/** IPv6/IPv4 forwarding, neighbor resolution and the ICMP errors of forwarding (SPEC §3, §1.2). */
public class ForwardingTest extends DataplaneTestSupport {

    @Test
    public void ipv6ForwardingDecrementsHopLimitAndRewritesEthernetOnly() throws Exception {
        byte[] pkt = Pkt.ipv6(0x12, 0xabcde, 17, 64, Pkt.a6(HOST0), Pkt.a6(HOST1),
                Pkt.udp6(HOST0, HOST1, 1000, 2000, Pkt.fill(100, 5)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        byte[] out = poll(p1);
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertFrame("forwarded frame (hop limit - 1, payload untouched, src = p1 MAC, dst = neighbor MAC)",
                Pkt.eth(HOST1_MAC, P1_MAC, Pkt.ETH_IPV6, expected), out);
        assertNothingSent(p0, 50);
    }

    @Test
    public void ipv4ForwardingDecrementsTtlAndUpdatesHeaderChecksum() throws Exception {
        byte[] pkt = Pkt.ipv4(0x10, 0x3456, 0x4000, 64, 17, Pkt.a4(HOST0_4), Pkt.a4(HOST1_4), Pkt.fill(64, 2));
        p0.inject(fromHost0(Pkt.ETH_IPV4, pkt));
        byte[] out = poll(p1);
        assertEquals("TTL", 63, out[14 + 8] & 0xff);
        assertEquals("header checksum = recomputed", Pkt.ipv4Checksum(out, 14), Pkt.u16(out, 14 + 10));
        byte[] expected = Pkt.ipv4(0x10, 0x3456, 0x4000, 63, 17, Pkt.a4(HOST0_4), Pkt.a4(HOST1_4), Pkt.fill(64, 2));
        assertFrame("forwarded IPv4 frame", Pkt.eth(HOST1_MAC, P1_MAC, Pkt.ETH_IPV4, expected), out);
    }

    /**
     * RFC 1624 §3 / the kernel's ip_decrease_ttl: when the incremental update lands on 0xFFFF
     * (-0), the header carries 0x0000, what a recomputation gives and what Linux sends.
     */
    @Test
    public void ipv4ForwardingChecksumEqualsRecomputationWhenIncrementalUpdateGivesNegativeZero() throws Exception {
        int src = Pkt.a4(HOST0_4);
        int dst = Pkt.a4(HOST1_4);
        byte[] pkt = null;
        for (int id = 0; id < 0x10000; id++) {
            byte[] p = Pkt.ipv4(0, id, 0, 64, 17, src, dst, Pkt.fill(16, 0));
            if (Pkt.u16(p, 10) == 0xfeff) {
                pkt = p;
                break;
            }
        }
        assertTrue("an identification giving checksum 0xfeff", pkt != null);
        p0.inject(fromHost0(Pkt.ETH_IPV4, pkt));
        byte[] out = poll(p1);
        assertEquals("TTL", 63, out[14 + 8] & 0xff);
        assertEquals("header checksum = recomputed (0x0000, as Linux), not 0xffff",
                String.format("%04x", Pkt.ipv4Checksum(out, 14)), String.format("%04x", Pkt.u16(out, 14 + 10)));
    }

    @Test
    public void unresolvedNextHopIsSolicitedHeldAndSentWhenTheAdvertisementArrives() throws Exception {
        String target = "2001:db8:1::3";
        String targetMac = "02:00:00:00:01:03";
        byte[] pkt = Pkt.ipv6(17, 64, HOST0, target, Pkt.udp6(HOST0, target, 1, 2, Pkt.fill(20, 1)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        byte[] ns = poll(p1);
        // Computed outside the appliance: to the solicited-node group of the target, from p1's
        // address, hop limit 255, source link-layer option = p1's MAC.
        assertFrame("neighbor solicitation", Pkt.unhex("3333ff00000302000000aa0186dd6000000000203aff"
                + "20010db8000100000000000000000001" + "ff0200000000000000000001ff000003"
                + "8700722200000000" + "20010db8000100000000000000000003" + "010102000000aa01"), ns);
        await("the packet held", () -> dp.counters().buffersHeld() == 1, 2000);
        assertNothingSent(p1, 100);

        byte[] na = Pkt.ip6icmp(255, target, P1_ADDR, 136, 0,
                Pkt.cat(Pkt.u32(0x60000000), Pkt.a6(target), Pkt.bytes(2, 1), Pkt.mac(targetMac)));
        p1.inject(Pkt.eth(P1_MAC, targetMac, Pkt.ETH_IPV6, na));
        byte[] out = poll(p1);
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertFrame("the held packet", Pkt.eth(targetMac, P1_MAC, Pkt.ETH_IPV6, expected), out);
        await("nothing held", () -> dp.counters().buffersHeld() == 0, 2000);
        // Resolved: the next packet leaves at once.
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        assertFrame("the next packet", Pkt.eth(targetMac, P1_MAC, Pkt.ETH_IPV6, expected), poll(p1));
    }

    @Test
    public void unansweredResolutionDropsHeldPacketWithAddressUnreachable() throws Exception {
        String target = "2001:db8:1::4";
        byte[] pkt = Pkt.ipv6(17, 64, HOST0, target, Pkt.udp6(HOST0, target, 1, 2, Pkt.fill(20, 1)));
        long start = System.nanoTime();
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
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
        byte[] pkt = Pkt.ipv6(0x2e, 0x12345, 17, 1, Pkt.a6(HOST0), Pkt.a6(HOST1),
                Pkt.udp6(HOST0, HOST1, 1, 2, Pkt.fill(30, 1)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        assertFrame("Time Exceeded code 0", icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, pkt), poll(p0));
        assertEquals(1, drop(DropReason.HOP_LIMIT));
        assertNothingSent(p1, 50);
    }

    @Test
    public void noRouteGetsDestinationUnreachableNoRoute() throws Exception {
        String dst = "2001:db8:99::1";
        byte[] pkt = Pkt.ipv6(17, 64, HOST0, dst, Pkt.udp6(HOST0, dst, 1, 2, Pkt.fill(30, 1)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        assertFrame("Destination Unreachable code 0", icmp6ErrorToHost0(P0_ADDR, 1, 0, 0, pkt), poll(p0));
        assertEquals(1, drop(DropReason.NO_ROUTE));
    }

    @Test
    public void packetBiggerThanOutputMtuGetsPacketTooBigQuotedWithin1280() throws Exception {
        dp.ports().setMtu("p1", 1300);
        byte[] pkt = Pkt.ipv6(17, 64, HOST0, HOST1, Pkt.udp6(HOST0, HOST1, 1, 2, Pkt.fill(1400 - 48, 1)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        byte[] err = poll(p0);
        assertEquals("error packet length", 1280, err.length - 14);
        assertFrame("Packet Too Big with the MTU", icmp6ErrorToHost0(P0_ADDR, 2, 0, 1300, Pkt.slice(pkt, 0, 1232)), err);
        assertEquals(1, drop(DropReason.MTU_EXCEEDED));
        assertNothingSent(p1, 50);
        // Exactly the MTU passes.
        byte[] fits = Pkt.ipv6(17, 64, HOST0, HOST1, Pkt.udp6(HOST0, HOST1, 1, 2, Pkt.fill(1300 - 48, 1)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, fits));
        assertEquals(14 + 1300, poll(p1).length);
    }

    @Test
    public void timeExceededForBigPacketIsQuotedWithin1280() throws Exception {
        byte[] pkt = Pkt.ipv6(17, 1, HOST0, HOST1, Pkt.udp6(HOST0, HOST1, 1, 2, Pkt.fill(1500 - 48, 1)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        byte[] err = poll(p0);
        assertEquals("error packet length", 1280, err.length - 14);
        assertFrame("Time Exceeded cut to 1280", icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, Pkt.slice(pkt, 0, 1232)), err);
    }

    @Test
    public void ipv4TtlOneGetsTimeExceeded() throws Exception {
        int src = Pkt.a4(HOST0_4);
        byte[] pkt = Pkt.ipv4(0, 0x77, 0, 1, 17, src, Pkt.a4(HOST1_4), Pkt.fill(40, 4));
        p0.inject(fromHost0(Pkt.ETH_IPV4, pkt));
        byte[] err = poll(p0);
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV4, Pkt.ipv4(0, 0, 0, 64, 1, Pkt.a4(P0_ADDR4), src,
                Pkt.icmp4(11, 0, Pkt.cat(Pkt.u32(0), pkt))));
        assertFrame("ICMP Time Exceeded from p0's IPv4 address", expected, err);
        assertEquals("IPv4 header checksum", Pkt.ipv4Checksum(err, 14), Pkt.u16(err, 24));
        assertEquals("ICMP checksum", 0, Pkt.fold(Pkt.sum(err, 34, err.length - 34, 0)));
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
            byte[] pkt = Pkt.ipv6(17, 64, HOST0, dst, Pkt.udp6(HOST0, dst, 1, i, Pkt.fill(8, i)));
            p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
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
        byte[] pkt = Pkt.ipv4(0, 5, 0, 64, 17, Pkt.a4(HOST0_4), Pkt.a4(HOST1_4), Pkt.fill(8, 0)); // 28 bytes
        p0.inject(Pkt.cat(fromHost0(Pkt.ETH_IPV4, pkt), new byte[18])); // padded to 60
        byte[] expected = Pkt.ipv4(0, 5, 0, 63, 17, Pkt.a4(HOST0_4), Pkt.a4(HOST1_4), Pkt.fill(8, 0));
        assertFrame("forwarded without the padding", Pkt.eth(HOST1_MAC, P1_MAC, Pkt.ETH_IPV4, expected), poll(p1));
    }

    @Test
    public void echoToAnotherPortsAddressIsAnsweredFromThatAddress() throws Exception {
        byte[] body = Pkt.cat(Pkt.u16(9), Pkt.u16(9), Pkt.fill(8, 9));
        p0.inject(fromHost0(Pkt.ETH_IPV6, Pkt.ip6icmp(64, HOST0, P1_ADDR, 128, 0, body)));
        assertFrame("reply from p1's address, out p0",
                Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV6, Pkt.ip6icmp(64, P1_ADDR, HOST0, 129, 0, body)), poll(p0));
        assertNothingSent(p1, 50);
    }

    /** RFC 4443 §2.4(e.1): no error message about an error message. */
    @Test
    public void noIcmpv6ErrorAboutAnIcmpv6Error() throws Exception {
        byte[] inner = Pkt.ipv6(17, 64, HOST1, HOST0, Pkt.udp6(HOST1, HOST0, 1, 2, Pkt.fill(8, 0)));
        byte[] pkt = Pkt.ip6icmp(1, HOST0, HOST1, 1, 4, Pkt.cat(Pkt.u32(0), inner));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        awaitDrop(DropReason.HOP_LIMIT, 1);
        assertNothingSent(p0, 200);
        assertNothingSent(p1, 0);
    }

    @Test
    public void ipv4DontFragmentBiggerThanMtuGetsFragmentationNeededWithTheMtu() throws Exception {
        dp.ports().setMtu("p1", 1000);
        int src = Pkt.a4(HOST0_4);
        byte[] pkt = Pkt.ipv4(0, 0x99, 0x4000, 64, 17, src, Pkt.a4(HOST1_4), Pkt.fill(1200 - 20, 0));
        p0.inject(fromHost0(Pkt.ETH_IPV4, pkt));
        byte[] err = poll(p0);
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV4, Pkt.ipv4(0, 0, 0, 64, 1, Pkt.a4(P0_ADDR4), src,
                Pkt.icmp4(3, 4, Pkt.cat(Pkt.u32(1000), Pkt.slice(pkt, 0, 548)))));
        assertFrame("Fragmentation Needed, next-hop MTU 1000, quote within 576 bytes", expected, err);
        assertEquals(1, drop(DropReason.MTU_EXCEEDED));
        assertNothingSent(p1, 50);
    }

    @Test
    public void routeViaGatewaySendsToTheGatewaysMac() throws Exception {
        dp.routes().add(new RouteSpec(6, "2001:db8:77::/48", HOST1, null, 254, 0, null, null, null));
        String dst = "2001:db8:77::5";
        byte[] pkt = Pkt.ipv6(17, 64, HOST0, dst, Pkt.udp6(HOST0, dst, 1, 2, Pkt.fill(10, 0)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        assertFrame("to the gateway host1", Pkt.eth(HOST1_MAC, P1_MAC, Pkt.ETH_IPV6, withHopLimit(pkt, 63)), poll(p1));
    }

    /** SPEC §1.2: the token bucket is per port; p0's exhausted bucket does not silence p1. */
    @Test
    public void icmpRateLimitIsPerIngressPort() throws Exception {
        String dst = "2001:db8:99::1";
        for (int i = 0; i < 150; i++) {
            p0.inject(fromHost0(Pkt.ETH_IPV6, Pkt.ipv6(17, 64, HOST0, dst, Pkt.udp6(HOST0, dst, 1, i, new byte[0]))));
        }
        awaitDrop(DropReason.NO_ROUTE, 150);
        assertTrue("p0 limited", drop(DropReason.ICMP_RATE_LIMITED) >= 40);
        byte[] pkt = Pkt.ipv6(17, 64, HOST1, dst, Pkt.udp6(HOST1, dst, 1, 2, new byte[0]));
        p1.inject(fromHost1(Pkt.ETH_IPV6, pkt));
        assertFrame("error through p1", Pkt.eth(HOST1_MAC, P1_MAC, Pkt.ETH_IPV6,
                Pkt.ip6icmp(64, P1_ADDR, HOST1, 1, 0, Pkt.cat(Pkt.u32(0), pkt))), poll(p1));
        while (p0.poll(0) != null) {
            // the errors p0 sent
        }
    }

    /** srv6:stats: per-port rx/tx/drop counters and the global received count. */
    @Test
    public void portCountersCountWhatPassedAndWhatWasDropped() throws Exception {
        byte[] pkt = Pkt.ipv6(17, 64, HOST0, HOST1, Pkt.udp6(HOST0, HOST1, 1, 2, Pkt.fill(50, 0)));
        byte[] frame = fromHost0(Pkt.ETH_IPV6, pkt);
        var in0 = dp.ports().counters("p0");
        var out1 = dp.ports().counters("p1");
        long rx = dp.counters().rxPackets();
        p0.inject(frame);
        poll(p1);
        p0.inject(fromHost0(0x88b5, Pkt.fill(46, 0)));
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
            byte[] pkt = Pkt.ipv6(17, 64, src, HOST1, Pkt.udp6(src, HOST1, 1, 2, Pkt.fill(10, 0)));
            p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
            assertNothingSent(p1, 200);
        }
        for (String src : new String[] {"0.0.0.0", "127.0.0.1", "224.0.0.5", "255.255.255.255"}) {
            byte[] pkt = Pkt.ipv4(0, 1, 0, 64, 17, Pkt.a4(src), Pkt.a4(HOST1_4), Pkt.fill(10, 0));
            p0.inject(fromHost0(Pkt.ETH_IPV4, pkt));
            assertNothingSent(p1, 200);
        }
        while (p0.poll(0) != null) {
            // Destination Unreachable for the link-local source, if sent
        }
    }
}
