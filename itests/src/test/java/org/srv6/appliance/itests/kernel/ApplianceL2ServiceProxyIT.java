package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * End.AS with an L2 service: a Linux bridge in a namespace between two appliance ports, inside
 * an L2 segment over SRv6 between two hosts, through the built distribution.
 *
 * <pre>
 *  H1 --ac-- appliance (R) --hp-- H2
 *              |l2a   |l2b
 *              SVC: bridge br0 (l2a, l2b)
 * </pre>
 *
 * <ul>
 * <li>H1 to H2: every frame H1 sends on ac is steered with H.Encaps.L2 ({@code ip sr steer add
 * iif ac mode l2encap segs fc00:e::a2,fc00:e::d2}) to the appliance's own End.AS fc00:e::a2
 * ({@code oif l2a iif l2b}): the inner frame (Next Header 143) goes out of l2a as it is, the
 * bridge sends it on to l2b, and End.AS takes it back whole (it is addressed to H2's MAC, or to a
 * group address: ARP, NDP) with IPv6 + SRH (fc00:e::d2), whose End.DX2 puts it out towards H2.</li>
 * <li>H2 to H1: steered on hp to End.DX2 fc00:e::d1 {@code oif ac}, without the service.</li>
 * </ul>
 * H1 10.78.0.1/24 fc00:78::1/64, H2 10.78.0.2/24 fc00:78::2/64; no static neighbors.
 */
public class ApplianceL2ServiceProxyIT {
    private static final String SYSCTLS = "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
            + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0";

    private static Netns r;
    private static Netns h1;
    private static Netns h2;
    private static Netns svc;
    private static Appliance app;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            r = Netns.create("pa", "r");
            h1 = Netns.create("pa", "h1");
            h2 = Netns.create("pa", "h2");
            svc = Netns.create("pa", "br");
            app = Appliance.start(r);
            ApplianceServiceProxyIT.awaitKeywords(app, "End.AS", "End.DX2", "l2encap");
            for (Netns n : new Netns[] {h1, h2, svc}) {
                n.sh(SYSCTLS);
            }
            app.ok("ip link add ac type tap netns " + h1.name());
            app.ok("ip link add hp type tap netns " + h2.name());
            app.ok("ip link add l2a type tap netns " + svc.name());
            app.ok("ip link add l2b type tap netns " + svc.name());
            for (String p : new String[] {"ac", "hp", "l2a", "l2b"}) {
                app.ok("ip link set " + p + " up");
            }
            // the SR-unaware L2 service: a plain bridge
            svc.sh("ip link add br0 type bridge && ip link set l2a master br0 && ip link set l2b master br0"
                    + " && ip link set l2a up && ip link set l2b up && ip link set br0 up");
            h1.sh("ip link set ac up && ip addr add 10.78.0.1/24 dev ac && ip -6 addr add fc00:78::1/64 dev ac nodad");
            h2.sh("ip link set hp up && ip addr add 10.78.0.2/24 dev hp && ip -6 addr add fc00:78::2/64 dev hp nodad");
            app.ok("ip sr tunsrc set fc00:99::1");
            app.ok("ip -6 route add fc00:e::a2 encap seg6local action End.AS nh6 fc00:99::9 oif l2a iif l2b"
                    + " src fc00:99::1 segs fc00:e::d2 dev ac");
            app.ok("ip -6 route add fc00:e::d2 encap seg6local action End.DX2 oif hp dev ac");
            app.ok("ip -6 route add fc00:e::d1 encap seg6local action End.DX2 oif ac dev hp");
            app.ok("ip sr steer add iif ac mode l2encap segs fc00:e::a2,fc00:e::d2");
            app.ok("ip sr steer add iif hp mode l2encap segs fc00:e::d1");
        } catch (Exception | Error e) {
            String log = app == null ? "" : "\n" + app.logTail(40);
            tearDown();
            throw new IllegalStateException(e.getMessage() + log, e);
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(app, h1, h2, svc, r);
    }

    private static void assertPing(boolean ipv6) {
        long before = sidPackets("fc00:e::a2");
        long bridged = bridgeForwarded();
        Netns.Result p = EndToEndHosts.ping(h1, ipv6, ipv6 ? "fc00:78::1" : "10.78.0.1", ipv6 ? "fc00:78::2" : "10.78.0.2");
        String why = EndToEndHosts.explain(p) + "\nsrv6:sids:\n" + app.client("srv6:sids").stdout() + "\nsrv6:stats:\n"
                + app.client("srv6:stats").stdout() + "\nbridge:\n" + svc.exec("ip", "-s", "link", "show", "l2b").stdout();
        assertEquals(why, 0, p.exitCode());
        assertTrue("3 replies expected: " + why, p.stdout().contains("3 received"));
        assertTrue("End.AS took at least the 3 requests to the bridge and back: " + why,
                sidPackets("fc00:e::a2") >= before + 6);
        assertTrue("the bridge sent at least the 3 requests on to l2b: " + why, bridgeForwarded() >= bridged + 3);
    }

    @Test
    public void pingThroughABridgeBehindEndAs() {
        assertPing(false);
    }

    @Test
    public void ping6ThroughABridgeBehindEndAs() {
        assertPing(true);
    }

    /** TX packets of the bridge's port l2b (what it sent towards the appliance). */
    private static long bridgeForwarded() {
        String out = svc.exec("cat", "/sys/class/net/l2b/statistics/tx_packets").stdout().trim();
        return Long.parseLong(out);
    }

    private static long sidPackets(String sid) {
        String sids = app.ok("srv6:sids");
        return sids.lines().filter(l -> l.startsWith(sid + " ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[5]))
                .orElseThrow(() -> new AssertionError("no " + sid + " in " + sids));
    }
}
