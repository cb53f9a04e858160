package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * Multipath (ECMP) routes through the built distribution: a sender namespace S on the appliance's
 * port r3 sends many flows to fc00:99::/64 (10.99.0.0/24), which the appliance routes over two
 * paths, to the kernel hosts H1 (r1) and H2 (r2) of {@link ApplianceTopology}. What arrives at each
 * host is read from an AF_PACKET socket there: both paths carry flows, every packet of a flow takes
 * the same path, each frame is what single-path forwarding makes (hop limit / TTL −1, the MACs of
 * that path), a path whose port is down is passed over, and the route's text is iproute2's.
 */
public class ApplianceMultipathIT {

    private static final String ROUTE6 = "fc00:99::/64 nexthop via fc00:12::1 dev r1 weight 1"
            + " nexthop via fc00:23::3 dev r2 weight 1";
    private static final String ROUTE4 = "10.99.0.0/24 nexthop via 10.12.0.1 dev r1 weight 1"
            + " nexthop via 10.23.0.3 dev r2 weight 1";
    private static final int FLOWS = 64;
    private static final int PER_FLOW = 3;

    private static ApplianceTopology topo;
    private static Netns s;
    private static byte[] appR3Mac;
    private static byte[] sMac;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        topo = new ApplianceTopology("em", true);
        try {
            s = Netns.create("em", "s");
            topo.app.ok("ip link add r3 type tap");
            topo.r.sh("ip link set r3 netns " + s.name());
            s.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
                    + " && ip link set r3 up");
            topo.app.ok("ip link set r3 up");
            appR3Mac = topo.app.mac("r3");
            sMac = s.mac("r3");
            topo.app.ok("ip -6 route add " + ROUTE6);
            topo.app.ok("ip -4 route add " + ROUTE4);
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(s);
        if (topo != null) {
            topo.close();
        }
    }

    @After
    public void bothPortsUp() {
        topo.app.ok("ip link set r1 up");
        topo.app.ok("ip link set r2 up");
    }

    /** Flow {@code i}: the first half differ by source address, the second half only by flow label. */
    private static byte[] ipv6(int i, int seq, int hopLimit) {
        String src = i < FLOWS / 2 ? "fc00:aa::" + Integer.toHexString(i + 1) : "fc00:aa::1";
        int label = i < FLOWS / 2 ? 0 : 0x1000 + i;
        return Packets.ipv6(src, "fc00:99::1", Packets.PROTO_UDP, hopLimit, label, payload(i, seq));
    }

    private static byte[] ipv4(int i, int seq, int ttl) {
        return Packets.ipv4("10.77.0." + (i + 1), "10.99.0.1", Packets.PROTO_UDP, ttl, seq, payload(i, seq));
    }

    /** A UDP header (checksum 0: nobody checks it on the way) and the flow and sequence numbers. */
    private static byte[] payload(int flow, int seq) {
        return new byte[] {0x30, 0x39, 0x30, 0x39, 0, 12, 0, 0, 0, (byte) flow, 0, (byte) seq};
    }

    /** Flow and sequence of a received frame, from its payload (after the UDP header). */
    private static int key(byte[] f) {
        int p = (Packets.ethertype(f) == Packets.ETH_IPV6 ? 54 : 34) + 8;
        return (f[p + 1] & 0xff) << 8 | (f[p + 3] & 0xff);
    }

    /** Every frame each host received (0: H1, 1: H2) that {@code filter} takes, by flow << 8 | seq. */
    private static List<Map<Integer, byte[]>> sendAndCollect(boolean v6, Predicate<byte[]> filter) {
        List<Map<Integer, byte[]>> got = List.of(new HashMap<>(), new HashMap<>());
        try (RawSocket tx = RawSocket.open(s, "r3"); RawSocket rx1 = topo.h1Socket(); RawSocket rx2 = topo.h2Socket()) {
            rx1.drain();
            rx2.drain();
            for (int seq = 0; seq < PER_FLOW; seq++) {
                for (int i = 0; i < FLOWS; i++) {
                    tx.send(Packets.ethernet(appR3Mac, sMac, v6 ? Packets.ETH_IPV6 : Packets.ETH_IPV4,
                            v6 ? ipv6(i, seq, 64) : ipv4(i, seq, 64)));
                }
            }
            RawSocket[] rx = {rx1, rx2};
            for (int h = 0; h < 2; h++) {
                byte[] f;
                while ((f = rx[h].receive(h == 0 ? 1500 : 500, filter)) != null) {
                    got.get(h).put(key(f), f);
                }
            }
        }
        return got;
    }

    private static boolean toRoute6(byte[] f) {
        return RawSocket.ipv6NoNoise(f) && f.length >= 54 && f[38] == (byte) 0xfc && f[39] == 0 && f[40] == 0
                && f[41] == (byte) 0x99;
    }

    private static boolean toRoute4(byte[] f) {
        return RawSocket.ipv4(f) && (f[30] & 0xff) == 10 && (f[31] & 0xff) == 99;
    }

    /** Each flow's packets all arrived, all on one path; both paths (and each half of the flows) carry flows. */
    private static int[] assertFlowsStayOnOnePath(List<Map<Integer, byte[]>> got, boolean halves) {
        String why = "H1 got " + got.get(0).size() + ", H2 got " + got.get(1).size() + "\nsrv6:stats:\n"
                + topo.app.client("srv6:stats").stdout();
        int[] flowsOn = new int[2];
        int[][] halfOn = new int[2][2];
        for (int i = 0; i < FLOWS; i++) {
            int path = -1;
            for (int seq = 0; seq < PER_FLOW; seq++) {
                int k = i << 8 | seq;
                boolean on1 = got.get(0).containsKey(k);
                boolean on2 = got.get(1).containsKey(k);
                assertTrue("flow " + i + " packet " + seq + " arrived once: " + why, on1 ^ on2);
                int p = on1 ? 0 : 1;
                if (path >= 0) {
                    assertEquals("flow " + i + " stays on its path", path, p);
                }
                path = p;
            }
            flowsOn[path]++;
            halfOn[i < FLOWS / 2 ? 0 : 1][path]++;
        }
        assertEquals(why, FLOWS * PER_FLOW, got.get(0).size() + got.get(1).size());
        if (halves) {
            for (int h = 0; h < 2; h++) {
                assertTrue("flows differing by " + (h == 0 ? "source" : "flow label") + " use both paths: "
                        + halfOn[h][0] + "/" + halfOn[h][1], halfOn[h][0] > 0 && halfOn[h][1] > 0);
            }
        }
        return flowsOn;
    }

    @Test
    public void ipv6FlowsShareBothPathsAndEachFlowStaysOnOne() {
        List<Map<Integer, byte[]>> got = sendAndCollect(true, ApplianceMultipathIT::toRoute6);
        int[] on = assertFlowsStayOnOnePath(got, true);
        assertTrue("both paths carry flows: " + on[0] + "/" + on[1], on[0] > 0 && on[1] > 0);
        assertForwardedAsOnePathWould(got, Packets.ETH_IPV6, (flow, seq) -> ipv6(flow, seq, 63), "");
    }

    @Test
    public void ipv4FlowsShareBothPathsAndEachFlowStaysOnOne() {
        List<Map<Integer, byte[]>> got = sendAndCollect(false, ApplianceMultipathIT::toRoute4);
        int[] on = assertFlowsStayOnOnePath(got, false);
        assertTrue("both paths carry flows: " + on[0] + "/" + on[1], on[0] > 0 && on[1] > 0);
        assertForwardedAsOnePathWould(got, Packets.ETH_IPV4, (flow, seq) -> ipv4(flow, seq, 63),
                " (TTL - 1, checksum updated)");
    }

    /**
     * Each frame is what single-path forwarding out of its path makes: the packet as sent with hop
     * limit (TTL) 63, between that path's host MAC and the appliance's MAC on that port.
     */
    private void assertForwardedAsOnePathWould(List<Map<Integer, byte[]>> got, int ethertype,
            java.util.function.BiFunction<Integer, Integer, byte[]> forwarded, String what) {
        byte[][] hostMac = {topo.h1Mac, topo.h2Mac};
        byte[][] appMac = {topo.appR1Mac, topo.appR2Mac};
        for (int h = 0; h < 2; h++) {
            for (Map.Entry<Integer, byte[]> e : got.get(h).entrySet()) {
                int flow = e.getKey() >> 8;
                int seq = e.getKey() & 0xff;
                assertArrayEquals("flow " + flow + " out of r" + (h + 1) + what,
                        Packets.ethernet(hostMac[h], appMac[h], ethertype, forwarded.apply(flow, seq)), e.getValue());
            }
        }
    }

    @Test
    public void aPathWhosePortIsDownIsPassedOver() {
        topo.app.ok("ip link set r2 down");
        List<Map<Integer, byte[]>> got = sendAndCollect(true, ApplianceMultipathIT::toRoute6);
        assertEquals("every flow on r1", FLOWS * PER_FLOW, got.get(0).size());
        assertEquals("nothing on r2", 0, got.get(1).size());
    }

    @Test
    public void showPrintsThePathsAsIproute2AndTheRunningConfigurationLinePastesBack() {
        String shown = topo.app.ok("ip -6 route show");
        assertTrue(shown, shown.contains("fc00:99::/64 metric 1024\n\tnexthop via fc00:12::1 dev r1 weight 1 \n"
                + "\tnexthop via fc00:23::3 dev r2 weight 1 \n"));
        String shown4 = topo.app.ok("ip route show");
        assertTrue(shown4, shown4.contains("10.99.0.0/24\n\tnexthop via 10.12.0.1 dev r1 weight 1 \n"
                + "\tnexthop via 10.23.0.3 dev r2 weight 1 \n"));
        String line = "ip -6 route add fc00:99::/64 metric 1024 nexthop via fc00:12::1 dev r1 weight 1"
                + " nexthop via fc00:23::3 dev r2 weight 1";
        String config = topo.app.ok("srv6:config show");
        assertTrue(config, config.contains(line + "\n"));
        assertTrue(config, config.contains("ip -4 route add " + ROUTE4 + "\n"));
        // the saved line makes the same route again
        topo.app.ok("ip -6 route del fc00:99::/64");
        assertFalse(topo.app.ok("ip -6 route show").contains("fc00:99::"));
        topo.app.ok(line);
        assertEquals(shown, topo.app.ok("ip -6 route show"));
    }

    @Test
    public void replaceWithOtherWeightsChangesThePathsInPlace() {
        topo.app.ok("ip -6 route add fc00:98::/64 nexthop via fc00:12::1 dev r1 nexthop via fc00:23::3 dev r2");
        topo.app.ok("ip -6 route replace fc00:98::/64 nexthop via fc00:12::1 dev r1 weight 3 nexthop via fc00:23::3"
                + " dev r2 weight 256");
        String shown = topo.app.ok("ip -6 route show");
        assertTrue(shown, shown.contains("fc00:98::/64 metric 1024\n\tnexthop via fc00:12::1 dev r1 weight 3 \n"
                + "\tnexthop via fc00:23::3 dev r2 weight 256 \n"));
        topo.app.ok("ip -6 route del fc00:98::/64");
        assertFalse(topo.app.ok("ip -6 route show").contains("fc00:98::"));
    }

    @Test
    public void aMultipathLineWithEncapIsRefusedWithOneLineAndChangesNothing() {
        String before = topo.app.ok("ip -6 route show");
        List<String> refused = new ArrayList<>();
        for (String bad : new String[] {
            "ip -6 route add fc00:97::/64 nexthop via fc00:12::1 dev r1 encap seg6 mode encap segs fc00::1"
                    + " nexthop via fc00:23::3 dev r2",
            "ip -6 route add fc00:97::1 encap seg6local action End nexthop via fc00:12::1 dev r1"
                    + " nexthop via fc00:23::3 dev r2",
            "ip -6 route add fc00:97::/64 nexthop via fc00:12::1 dev r1 weight 0 nexthop via fc00:23::3 dev r2",
            "ip -6 route add fc00:97::/64 nexthop via fc00:12::1 dev r1 nexthop via fc00:23::3 dev r9"}) {
            Netns.Result r = topo.app.client(bad);
            assertNotEquals(bad, 0, r.exitCode());
            String err = (r.stderr() + r.stdout()).strip();
            assertEquals(bad + " -> " + err, 1, err.lines().count());
            assertTrue(err, err.startsWith("Error: "));
            refused.add(err);
        }
        assertTrue(refused.get(0), refused.get(0).contains("encap in a nexthop is not supported"));
        assertTrue(refused.get(1), refused.get(1).contains("nexthop with encap seg6local"));
        assertTrue(refused.get(2), refused.get(2).contains("invalid weight '0'"));
        assertTrue(refused.get(3), refused.get(3).contains("no such port r9"));
        assertEquals(before, topo.app.ok("ip -6 route show"));
        assertFalse(new String(topo.app.ok("srv6:config show").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8).contains("fc00:97"));
    }
}
