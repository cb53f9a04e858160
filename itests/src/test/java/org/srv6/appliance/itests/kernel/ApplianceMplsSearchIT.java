package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * End.BM (RFC 8986 §4.15) and End.S (draft-filsfils-spring-srv6-network-programming-06 §4.18)
 * between kernel hosts: H1 - appliance (built distribution, TAP ports r1, r2) - H2, no static
 * neighbors, so the appliance finds its next hops with NDP and ARP answered by the kernels. H1
 * sends crafted frames from a raw socket; what leaves the appliance is captured with a raw socket
 * in the namespace of the next hop and compared byte for byte with the frame built from the texts:
 * End.BM's MPLS frame (Ethernet type 0x8847, labels top first, TTL = the hop limit after the End
 * step, TC 0, S on the bottom) over the IPv6 packet after the End step; End.S's packet forwarded
 * untouched but for the hop limit toward H2 when table T routes its last segment, else End toward
 * the next segment (H1).
 */
public class ApplianceMplsSearchIT {
    private static final String H1 = "fc00:12::1";
    private static final String H2 = "fc00:23::3";
    private static final int MPLS = 0x8847;
    private static final byte[] DATA = Packets.fill(40, 11);

    private static ApplianceTopology topo;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        topo = new ApplianceTopology("bm", false);
        try {
            awaitKeywords("End.BM", "End.S");
            topo.app.ok("ip -6 route add fc00:b::1/128 encap seg6local action End.BM mpls 100/200/1048575 nh6 " + H2 + " dev r1");
            topo.app.ok("ip -6 route add fc00:b::2/128 encap seg6local action End.BM mpls 16 nh4 10.23.0.3 oif r2 dev r1");
            topo.app.ok("ip -6 route add fc00:c::/64 via " + H2 + " dev r2 table 100");
            topo.app.ok("ip -6 route add fc00:5::1/128 encap seg6local action End.S table 100 dev r1");
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        if (topo != null) {
            topo.close();
        }
    }

    private static void awaitKeywords(String... keywords) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String have = "";
        while (System.currentTimeMillis() < deadline) {
            have = topo.app.client("srv6:keywords").stdout();
            if (List.of(have.trim().split("\\s+")).containsAll(List.of(keywords))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("behaviors " + Arrays.toString(keywords) + " not registered: " + have);
    }

    /** H1 → {@code sid} with an SRH over {@code path} (first segment first) at Segments Left {@code sl}. */
    private static Ipv6Builder packet(String dst, int hl, int sl, String... path) {
        return Packets.ipv6(H1, dst).hopLimit(hl).srh(sl, path).udp(4000, 5000, DATA);
    }

    /** Sends {@code l3} from H1 to the appliance's r1 and returns the first frame on {@code at} that {@code pick} takes. */
    private static byte[] sendAndCapture(byte[] l3, RawSocket at, java.util.function.Predicate<byte[]> pick) {
        try (RawSocket h1 = topo.h1Socket()) {
            at.drain();
            h1.send(Packets.ethernet(topo.appR1Mac, topo.h1Mac, Packets.ETH_IPV6, l3));
            return at.receive(5_000, pick);
        }
    }

    private static boolean mpls(byte[] f) {
        return f.length > 14 && Packets.ethertype(f) == MPLS;
    }

    private String why() {
        return "\nsrv6:stats:\n" + topo.app.client("srv6:stats").stdout() + "\nip -s -6 route:\n"
                + topo.app.client("ip -s -6 route show").stdout();
    }

    @Test
    public void endBmPushesTheLabelStackAndSendsItToTheNdpResolvedNh6() {
        byte[] got;
        try (RawSocket h2 = topo.h2Socket()) {
            got = sendAndCapture(packet("fc00:b::1", 64, 1, "fc00:b::1", "fc00:e::9").bytes(), h2,
                    ApplianceMplsSearchIT::mpls);
        }
        assertNotNull("no MPLS frame reached H2" + why(), got);
        // RFC 3032 §2.1 entries: label 100, TC 0, S 0, TTL 63 | 200, S 0, 63 | 1048575, S 1, 63
        byte[] expected = Packets.ethernet(topo.h2Mac, topo.appR2Mac, MPLS, Packets.cat(
                Packets.unhex("0006403f" + "000c803f" + "fffff13f"),
                packet("fc00:e::9", 63, 0, "fc00:b::1", "fc00:e::9").bytes()));
        assertEquals(Packets.hex(expected), Packets.hex(got));
    }

    @Test
    public void endBmSendsToTheArpResolvedNh4() {
        byte[] got;
        try (RawSocket h2 = topo.h2Socket()) {
            got = sendAndCapture(packet("fc00:b::2", 7, 1, "fc00:b::2", "fc00:e::9").bytes(), h2,
                    ApplianceMplsSearchIT::mpls);
        }
        assertNotNull("no MPLS frame reached H2" + why(), got);
        byte[] expected = Packets.ethernet(topo.h2Mac, topo.appR2Mac, MPLS, Packets.cat(Packets.unhex("00010106"),
                packet("fc00:e::9", 6, 0, "fc00:b::2", "fc00:e::9").bytes()));
        assertEquals(Packets.hex(expected), Packets.hex(got));
    }

    @Test
    public void endSForwardsTowardTheObjectRoutedInTableTWithDaAndSlUntouched() {
        byte[] got;
        byte[] dst = Packets.ip6("fc00:5::1");
        try (RawSocket h2 = topo.h2Socket()) {
            got = sendAndCapture(packet("fc00:5::1", 64, 2, "fc00:5::1", H1, "fc00:c::42").bytes(), h2,
                    f -> RawSocket.ipv6NoNoise(f) && Arrays.equals(Arrays.copyOfRange(f, 38, 54), dst));
        }
        assertNotNull("nothing reached H2" + why(), got);
        byte[] expected = Packets.ethernet(topo.h2Mac, topo.appR2Mac, Packets.ETH_IPV6,
                packet("fc00:5::1", 63, 2, "fc00:5::1", H1, "fc00:c::42").bytes());
        assertEquals(Packets.hex(expected), Packets.hex(got));
    }

    @Test
    public void endSWithoutMatchAppliesEndTowardTheNextSegment() {
        byte[] got;
        byte[] dst = Packets.ip6(H1);
        try (RawSocket h1 = topo.h1Socket()) {
            got = sendAndCapture(packet("fc00:5::1", 64, 2, "fc00:5::1", H1, "fc00:d::42").bytes(), h1,
                    f -> RawSocket.ipv6NoNoise(f) && f.length > 57 && (f[20] & 0xff) == 43
                            && Arrays.equals(Arrays.copyOfRange(f, 38, 54), dst));
        }
        assertNotNull("nothing came back to H1" + why(), got);
        byte[] expected = Packets.ethernet(topo.h1Mac, topo.appR1Mac, Packets.ETH_IPV6,
                packet(H1, 63, 1, "fc00:5::1", H1, "fc00:d::42").bytes());
        assertEquals(Packets.hex(expected), Packets.hex(got));
    }

    @Test
    public void endSAtSegmentsLeftZeroIsDroppedAndCounted() {
        long before = topo.dropCounters().getOrDefault("sl-zero", 0L);
        try (RawSocket h2 = topo.h2Socket()) {
            byte[] got = sendAndCapture(packet("fc00:5::1", 64, 0, "fc00:c::42", "fc00:5::1").bytes(), h2,
                    f -> RawSocket.ipv6NoNoise(f) && f.length > 54 && (f[20] & 0xff) == 43);
            assertNull("a packet at SL 0 left the appliance", got);
        }
        assertEquals("sl-zero drops" + why(), before + 1, (long) topo.dropCounters().getOrDefault("sl-zero", 0L));
    }

    @Test
    public void behaviorsShowTheirSyntaxAndRoutesPrintPasteably() {
        String behaviors = topo.app.ok("srv6:behaviors");
        assertTrue(behaviors, behaviors.contains("    mpls L1/L2/... nh6 ADDRESS | nh4 ADDRESS [oif PORT] [count]\n"));
        assertTrue(behaviors, behaviors.contains("    table TABLE [count]"));
        String routes = topo.app.ok("ip -6 route show");
        assertTrue(routes, routes.contains("fc00:b::1 encap seg6local action End.BM mpls 100/200/1048575 nh6 fc00:23::3 dev r1"));
        assertTrue(routes, routes.contains("fc00:b::2 encap seg6local action End.BM mpls 16 nh4 10.23.0.3 oif r2 dev r1"));
        assertTrue(routes, routes.contains("fc00:5::1 encap seg6local action End.S table 100 dev r1"));
    }

    @Test
    public void badLinesAreRefusedInOneLineAndChangeNothing() {
        String before = topo.app.ok("ip -6 route show");
        for (String bad : List.of(
                "ip -6 route add fc00:b::9/128 encap seg6local action End.BM mpls 1048576 nh6 fc00:23::3 dev r1",
                "ip -6 route add fc00:b::9/128 encap seg6local action End.BM mpls 1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17 nh6 fc00:23::3 dev r1",
                "ip -6 route add fc00:b::9/128 encap seg6local action End.BM mpls 100 dev r1",
                "ip -6 route add fc00:b::9/128 encap seg6local action End.BM mpls 100 nh6 fc00:23::3 nh4 10.23.0.3 dev r1",
                "ip -6 route add fc00:5::9/128 encap seg6local action End.S dev r1")) {
            Netns.Result r = topo.app.client(bad);
            assertTrue(bad + " accepted", r.exitCode() != 0);
            String err = r.stderr().trim();
            assertTrue(bad + ": " + err, !err.isEmpty() && !err.contains("\n") && !err.contains("Exception"));
        }
        assertEquals(before, topo.app.ok("ip -6 route show"));
    }
}
