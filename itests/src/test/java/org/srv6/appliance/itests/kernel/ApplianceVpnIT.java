package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * End to end through the built distribution, the appliance configured only with
 * {@code bin/srv6 client}: an L3VPN and an L2 segment over SRv6 between a kernel PE and the
 * appliance. No static neighbors: every node resolves the others with NDP/ARP.
 *
 * <pre>
 *  C1 --veth-- PE1 (kernel) ==core== appliance (namespace R) --c2 (vrf 100)-- C2
 *                                             \--l2-- L2
 * </pre>
 *
 * <ul>
 * <li>C1 fc00:c1::1/64, 10.1.1.1/24; PE1 fc00:c1::2, 10.1.1.2 towards C1 and fc00:12::1/64 on
 * core; the appliance fc00:12::2/64 on core, fc00:c2::2/64 and 10.2.2.2/24 on c2 (bound to table
 * 100), 10.9.9.2/24 on l2; C2 fc00:c2::1/64, 10.2.2.1/24; L2 10.9.9.1/24.</li>
 * <li>L3VPN: PE1 encapsulates C2's prefixes ({@code encap seg6 mode encap}) to the appliance's
 * End.DT6 fc00:e::d6 and End.DT4 fc00:e::d4 (both {@code table 100}); the appliance encapsulates
 * C1's prefixes in table 100 to PE1's End.DX6 fc00:b1::d6 and End.DX4 fc00:b1::d4, and finds
 * the route to fc00:b1::/64 in table 100 as well (the outer packet is looked up in the input
 * port's table, as Linux does for a VRF's port).</li>
 * <li>L2: PE1 steers what C1 sends to 10.9.9.1 with H.Encaps.L2 ({@code encap seg6 mode l2encap},
 * which Linux applies to received packets it would forward) to the appliance's End.DX2 fc00:e::d2
 * {@code oif l2}: C1's Ethernet frame comes out in L2 as is. L2's netdev carries the MAC of PE1's
 * port towards C1, the frame's destination. L2's answer goes back routed: appliance H.Encaps to
 * PE1's End.DX4.</li>
 * </ul>
 */
public class ApplianceVpnIT {

    private static Netns r;
    private static Netns c1;
    private static Netns pe1;
    private static Netns c2;
    private static Netns l2;
    private static Appliance app;

    private static final String SYSCTLS = "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
            + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0"
            + " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0";

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            r = Netns.create("kvp", "r");
            c1 = Netns.create("kvp", "c1");
            pe1 = Netns.create("kvp", "pe");
            c2 = Netns.create("kvp", "c2");
            l2 = Netns.create("kvp", "l2");
            app = Appliance.start(r);
            for (Netns n : new Netns[] {c1, pe1, c2, l2}) {
                n.sh(SYSCTLS);
            }
            app.ok("ip link add core type tap netns " + pe1.name());
            app.ok("ip link add c2 type tap netns " + c2.name());
            app.ok("ip link add l2 type tap netns " + l2.name());
            for (String p : new String[] {"core", "c2", "l2"}) {
                app.ok("ip link set " + p + " up");
            }
            // C1 behind the kernel PE
            pe1.sh("ip link add pe type veth peer name c1 netns " + c1.name());
            c1.sh("ip link set c1 up && ip -6 addr add fc00:c1::1/64 dev c1 nodad && ip addr add 10.1.1.1/24 dev c1"
                    + " && ip -6 route add default via fc00:c1::2 && ip route add default via 10.1.1.2");
            pe1.sh("sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1 net.ipv6.conf.all.seg6_enabled=1"
                    + " net.ipv6.conf.core.seg6_enabled=1 net.ipv4.conf.core.rp_filter=0 net.ipv4.conf.pe.rp_filter=0"
                    + " && ip link set pe up && ip link set core up"
                    + " && ip -6 addr add fc00:c1::2/64 dev pe nodad && ip addr add 10.1.1.2/24 dev pe"
                    + " && ip -6 addr add fc00:12::1/64 dev core nodad"
                    + " && ip sr tunsrc set fc00:12::1"
                    + " && ip -6 route add fc00:e::/64 via fc00:12::2 dev core"
                    // L3VPN towards C2 through the appliance's End.DT6 / End.DT4
                    + " && ip -6 route add fc00:c2::/64 encap seg6 mode encap segs fc00:e::d6 dev core"
                    + " && ip route add 10.2.2.0/24 encap seg6 mode encap segs fc00:e::d4 dev core"
                    // decapsulation for what the appliance sends back
                    + " && ip -6 route add fc00:b1::d6/128 encap seg6local action End.DX6 nh6 fc00:c1::1 dev core"
                    + " && ip -6 route add fc00:b1::d4/128 encap seg6local action End.DX4 nh4 10.1.1.1 dev core"
                    // L2: C1's frames to 10.9.9.1 go to the appliance's End.DX2 as they were received
                    + " && ip route add 10.9.9.1/32 encap seg6 mode l2encap segs fc00:e::d2 dev core");
            String peMac = KernelTopology.hex(pe1.mac("pe"));
            // the appliance: core link in main, C2's port in table 100
            app.ok("ip -6 addr add fc00:12::2/64 dev core");
            app.ok("ip sr tunsrc set fc00:12::2");
            app.ok("ip -6 route add fc00:b1::/64 via fc00:12::1 dev core");
            app.ok("ip -6 addr add fc00:c2::2/64 dev c2");
            app.ok("ip -4 addr add 10.2.2.2/24 dev c2");
            app.ok("ip link set c2 vrf 100"); // the connected routes move to table 100
            app.ok("ip -6 route add fc00:e::d6 encap seg6local action End.DT6 table 100 dev core");
            app.ok("ip -6 route add fc00:e::d4 encap seg6local action End.DT4 table 100 dev core");
            // the outer packet of what C2 sends is looked up in C2's table too (as Linux does for a VRF's input)
            app.ok("ip -6 route add fc00:b1::/64 via fc00:12::1 dev core table 100");
            app.ok("ip -6 route add fc00:c1::/64 encap seg6 mode encap segs fc00:b1::d6 dev core table 100");
            app.ok("ip route add 10.1.1.0/24 encap seg6 mode encap segs fc00:b1::d4 dev core table 100");
            // the L2 segment
            app.ok("ip -6 route add fc00:e::d2 encap seg6local action End.DX2 oif l2 dev core");
            app.ok("ip -4 addr add 10.9.9.2/24 dev l2");
            app.ok("ip route add 10.1.1.0/24 encap seg6 mode encap segs fc00:b1::d4 dev core");
            c2.sh("ip link set c2 up && ip -6 addr add fc00:c2::1/64 dev c2 nodad && ip addr add 10.2.2.1/24 dev c2"
                    + " && ip -6 route add default via fc00:c2::2 && ip route add default via 10.2.2.2");
            l2.sh("ip link set l2 address " + peMac + " && ip link set l2 up && ip addr add 10.9.9.1/24 dev l2"
                    + " && ip route add default via 10.9.9.2");
        } catch (Exception | Error e) {
            String log = app == null ? "" : "\n" + app.logTail(40);
            tearDown();
            throw new IllegalStateException(e.getMessage() + log, e);
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(app, c1, pe1, c2, l2, r);
    }

    private static void assertPing(Netns from, boolean ipv6, String src, String dst) {
        Netns.Result p = EndToEndHosts.ping(from, ipv6, src, dst);
        String why = "ping " + src + " -> " + dst + " " + EndToEndHosts.explain(p) + "\nsrv6:sids:\n"
                + app.client("srv6:sids").stdout() + "\nsrv6:stats:\n" + app.client("srv6:stats").stdout()
                + "\nroutes:\n" + app.client("ip -6 route show table all").stdout() + app.client("ip route show table all").stdout()
                + "\nneighbors:\n" + app.client("ip neigh show").stdout();
        assertEquals(why, 0, p.exitCode());
        assertTrue("3 replies expected: " + why, p.stdout().contains("3 received"));
    }

    /** A ping between C1 and C2: its 3 packets towards C2 (requests or replies) are decapsulated by {@code sid}. */
    private static void assertVpnPing(Netns from, boolean ipv6, String src, String dst) {
        String sid = ipv6 ? "fc00:e::d6" : "fc00:e::d4";
        long before = sidPackets(sid);
        assertPing(from, ipv6, src, dst);
        assertEquals(sid + " decapsulated the 3 packets for C2", before + 3, sidPackets(sid));
    }

    @Test
    public void ping6FromC1ToC2DecapsulatedByEndDT6IntoTable100() {
        assertVpnPing(c1, true, "fc00:c1::1", "fc00:c2::1");
    }

    @Test
    public void ping6FromC2InTable100ToC1() {
        assertVpnPing(c2, true, "fc00:c2::1", "fc00:c1::1");
    }

    @Test
    public void ping4FromC1ToC2DecapsulatedByEndDT4IntoTable100() {
        assertVpnPing(c1, false, "10.1.1.1", "10.2.2.1");
    }

    @Test
    public void ping4FromC2InTable100ToC1() {
        assertVpnPing(c2, false, "10.2.2.1", "10.1.1.1");
    }

    @Test
    public void pingAcrossTheL2SegmentKernelHEncapsL2ToApplianceEndDX2() {
        assertPing(c1, false, "10.1.1.1", "10.9.9.1");
    }

    /** The echo request frame L2 receives is the one PE1 received from C1, byte for byte (no MAC rewrite). */
    @Test
    public void theFrameArrivesInL2AsPE1ReceivedItFromC1() {
        try (RawSocket atPe = RawSocket.open(pe1, "pe"); RawSocket atL2 = RawSocket.open(l2, "l2")) {
            atPe.drain();
            atL2.drain();
            long before = sidPackets("fc00:e::d2");
            assertPing(c1, false, "10.1.1.1", "10.9.9.1");
            byte[] sent = atPe.receive(2000, ApplianceVpnIT::echoRequestToL2);
            byte[] came = atL2.receive(2000, ApplianceVpnIT::echoRequestToL2);
            assertNotNull("PE1 saw C1's echo request", sent);
            assertNotNull("L2 received an echo request", came);
            assertEquals("the inner frame as is", Packets.hex(sent), Packets.hex(came));
            assertEquals("End.DX2 counts the 3 frames", before + 3, sidPackets("fc00:e::d2"));
        }
    }

    private static boolean echoRequestToL2(byte[] f) {
        return RawSocket.ipv4(f) && f.length >= 35 && (f[23] & 0xff) == 1 && (f[34] & 0xff) == 8
                && (f[30] & 0xff) == 10 && (f[31] & 0xff) == 9 && (f[32] & 0xff) == 9 && (f[33] & 0xff) == 1;
    }

    /** PACKETS of {@code sid} in {@code srv6:sids}. */
    private static long sidPackets(String sid) {
        String sids = app.ok("srv6:sids");
        return sids.lines().filter(l -> l.startsWith(sid + " ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[5]))
                .orElseThrow(() -> new AssertionError("no " + sid + " in " + sids));
    }
}
