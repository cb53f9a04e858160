package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * End.AS and End.AD with a real SR-unaware service: a Linux namespace that forwards with its
 * kernel, between kernel SR hosts, through the built distribution configured with
 * {@code bin/srv6 client}. No static neighbors.
 *
 * <pre>
 *  H1 (kernel) --core-- appliance (namespace R) --h2-- H2 (kernel)
 *                          |s6     |s4
 *                          SVC (kernel forwarding, nftables)
 * </pre>
 *
 * <ul>
 * <li>H1 owns fc00:a1::1, 10.1.0.1 (lo), fc00:12::1/64 on core; H2 fc00:a2::1, 10.2.0.1 (lo),
 * fc00:23::3/64 on h2; the appliance fc00:12::2/64, fc00:23::2/64, fc00:56::2/64 on s6 and
 * 10.56.4.2/24 on s4; SVC fc00:56::1/64 on s6 and 10.56.4.1/24 on s4, forwarding, with routes to
 * H2's addresses back through the appliance on the same port.</li>
 * <li>H1 steers traffic for H2 into the SR policy (proxy SID, H2's End.DT6 fc00:b2::d6 or
 * End.DX4 fc00:b2::d4): {@code ip -6 route add fc00:a2::/64 encap seg6 mode encap segs
 * PROXY,fc00:b2::d6}. The proxy hands the inner packet to SVC out of s6 (s4), SVC's kernel
 * routes it back into s6 (s4), the proxy puts the SR headers back on and the packet goes on to
 * H2's SID. Each proxy SID uses its port as IFACE-OUT and IFACE-IN (the draft allows "both
 * directions of a single interface"); one port is the receiving interface of one SID only, so
 * the IPv6 and IPv4 services have a port each.</li>
 * <li>The return path is routed through a plain SR policy, without the service: H2 encapsulates
 * to H1's End.DT6 fc00:b1::d6 / End.DX4 fc00:b1::d4 and the appliance forwards. The draft's SR
 * service chain is a directed policy; a bi-directional one needs a second proxy SID and
 * receiving interface per direction. (IPv4 is decapsulated by End.DX4 towards the host's own
 * address: the kernel's End.DT4 needs a VRF device, which this machine lacks.)</li>
 * </ul>
 */
public class ApplianceServiceProxyIT {
    private static final String SYSCTLS = "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
            + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0"
            + " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0";

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
            svc = Netns.create("pa", "svc");
            app = Appliance.start(r);
            awaitKeywords(app, "End.AS", "End.AD");
            for (Netns n : new Netns[] {h1, h2, svc}) {
                n.sh(SYSCTLS);
            }
            app.ok("ip link add core type tap netns " + h1.name());
            app.ok("ip link add h2 type tap netns " + h2.name());
            app.ok("ip link add s6 type tap netns " + svc.name());
            app.ok("ip link add s4 type tap netns " + svc.name());
            for (String p : new String[] {"core", "h2", "s6", "s4"}) {
                app.ok("ip link set " + p + " up");
            }
            app.ok("ip -6 addr add fc00:12::2/64 dev core");
            app.ok("ip -6 addr add fc00:23::2/64 dev h2");
            app.ok("ip -6 addr add fc00:56::2/64 dev s6");
            app.ok("ip -4 addr add 10.56.4.2/24 dev s4");
            app.ok("ip -6 route add fc00:b1::/64 via fc00:12::1 dev core");
            app.ok("ip -6 route add fc00:b2::/64 via fc00:23::3 dev h2");
            h1.sh("ip link set core up && ip -6 addr add fc00:12::1/64 dev core nodad"
                    + " && sysctl -qw net.ipv6.conf.core.seg6_enabled=1"
                    + " && ip -6 addr add fc00:a1::1/128 dev lo && ip addr add 10.1.0.1/32 dev lo"
                    + " && ip -6 route add fc00:e::/64 via fc00:12::2 dev core"
                    + " && ip -6 route add fc00:b1::d6/128 encap seg6local action End.DT6 table 255 dev core"
                    + " && ip -6 route add fc00:b1::d4/128 encap seg6local action End.DX4 nh4 10.1.0.1 dev core");
            h2.sh("ip link set h2 up && ip -6 addr add fc00:23::3/64 dev h2 nodad"
                    + " && sysctl -qw net.ipv6.conf.h2.seg6_enabled=1"
                    + " && ip -6 addr add fc00:a2::1/128 dev lo && ip addr add 10.2.0.1/32 dev lo"
                    + " && ip -6 route add fc00:b1::/64 via fc00:23::2 dev h2"
                    + " && ip -6 route add fc00:a1::/64 encap seg6 mode encap segs fc00:b1::d6 dev h2"
                    + " && ip route add 10.1.0.0/24 encap seg6 mode encap segs fc00:b1::d4 dev h2"
                    + " && ip -6 route add fc00:b2::d6/128 encap seg6local action End.DT6 table 255 count dev h2"
                    + " && ip -6 route add fc00:b2::d4/128 encap seg6local action End.DX4 nh4 10.2.0.1 count dev h2");
            // the SR-unaware service: plain kernel forwarding back into the port it came from
            svc.sh("sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1"
                    + " net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0"
                    + " && sysctl -qw net.ipv6.conf.s4.disable_ipv6=1 && ip link set s6 up && ip link set s4 up"
                    + " && sysctl -qw net.ipv4.conf.s4.send_redirects=0 net.ipv4.conf.s4.rp_filter=0"
                    + " && ip -6 addr add fc00:56::1/64 dev s6 nodad && ip addr add 10.56.4.1/24 dev s4"
                    + " && ip -6 route add fc00:a2::/64 via fc00:56::2 dev s6"
                    + " && ip route add 10.2.0.0/24 via 10.56.4.2 dev s4");
        } catch (Exception | Error e) {
            String log = app == null ? "" : "\n" + app.logTail(40);
            tearDown();
            throw new IllegalStateException(e.getMessage() + log, e);
        }
    }

    /** Waits until the behaviors are registered (the boot features may still be activating). */
    static void awaitKeywords(Appliance app, String... keywords) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String have = "";
        while (System.currentTimeMillis() < deadline) {
            have = app.ok("srv6:keywords");
            if (java.util.List.of(have.trim().split("\\s+")).containsAll(java.util.List.of(keywords))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("behaviors " + java.util.List.of(keywords) + " not registered: " + have);
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(app, h1, h2, svc, r);
    }

    /** Configures {@code sid} and H1's policy through it for {@code ipv6} traffic to H2; returns the line to undo. */
    private static void policy(boolean ipv6, String sid) {
        if (ipv6) {
            h1.sh("ip -6 route replace fc00:a2::/64 encap seg6 mode encap segs " + sid + ",fc00:b2::d6 dev core");
        } else {
            h1.sh("ip route replace 10.2.0.0/24 encap seg6 mode encap segs " + sid + ",fc00:b2::d4 dev core");
        }
    }

    private static void assertPing(Netns from, boolean ipv6, String src, String dst) {
        Netns.Result p = EndToEndHosts.ping(from, ipv6, src, dst);
        String why = "ping " + src + " -> " + dst + " " + EndToEndHosts.explain(p) + "\nsrv6:sids:\n"
                + app.client("srv6:sids").stdout() + "\nsrv6:stats:\n" + app.client("srv6:stats").stdout()
                + "\nneighbors:\n" + app.client("ip neigh show").stdout();
        assertEquals(why, 0, p.exitCode());
        assertTrue("3 replies expected: " + why, p.stdout().contains("3 received"));
    }

    /**
     * Pings both ways; the 3 packets from H1 to H2 go through {@code sid} and its service, and are
     * decapsulated by H2's SID: 3 more there, at least 6 more at the proxy SID (3 to the service, 3
     * back, and whatever else its service port sends, e.g. the service's neighbor discovery).
     */
    private static void assertThroughProxy(String sid, boolean ipv6) {
        String a1 = ipv6 ? "fc00:a1::1" : "10.1.0.1";
        String a2 = ipv6 ? "fc00:a2::1" : "10.2.0.1";
        long before = sidPackets(sid);
        long atH2 = h2Decapsulated(ipv6);
        assertPing(h1, ipv6, a1, a2);
        assertEquals("H2's SID decapsulated the 3 echo requests", atH2 + 3, h2Decapsulated(ipv6));
        assertTrue(sid + ": 3 echo requests to the service and 3 back from it", sidPackets(sid) >= before + 6);
        long mid = sidPackets(sid);
        assertPing(h2, ipv6, a2, a1);
        assertEquals("H2's SID decapsulated the 3 echo replies", atH2 + 6, h2Decapsulated(ipv6));
        assertTrue(sid + ": 3 echo replies to the service and 3 back from it", sidPackets(sid) >= mid + 6);
    }

    /** The packets H2's kernel End.DT6 (End.DX4) counted ({@code count}). */
    private static long h2Decapsulated(boolean ipv6) {
        String sid = ipv6 ? "fc00:b2::d6" : "fc00:b2::d4";
        String out = h2.exec("ip", "-s", "-6", "route", "show", sid).stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets (\\d+)").matcher(out);
        assertTrue("no packet count for " + sid + " in: " + out, m.find());
        return Long.parseLong(m.group(1));
    }

    private static void withSid(String sid, String line, Runnable test) {
        app.ok("ip -6 route add " + sid + " encap seg6local action " + line + " dev core");
        try {
            test.run();
        } finally {
            app.ok("ip -6 route del " + sid);
        }
    }

    @Test
    public void ping6ThroughEndAsAndAKernelService() {
        withSid("fc00:e::a6", "End.AS nh6 fc00:56::1 oif s6 iif s6 src fc00:12::2 segs fc00:b2::d6", () -> {
            policy(true, "fc00:e::a6");
            assertThroughProxy("fc00:e::a6", true);
        });
    }

    @Test
    public void pingThroughEndAsAndAKernelService() {
        withSid("fc00:e::a4", "End.AS nh4 10.56.4.1 oif s4 iif s4 src fc00:12::2 segs fc00:b2::d4", () -> {
            policy(false, "fc00:e::a4");
            assertThroughProxy("fc00:e::a4", false);
        });
    }

    @Test
    public void ping6ThroughEndAdAndAKernelService() {
        withSid("fc00:e::ad6", "End.AD nh6 fc00:56::1 oif s6 iif s6", () -> {
            policy(true, "fc00:e::ad6");
            assertThroughProxy("fc00:e::ad6", true);
        });
    }

    @Test
    public void pingThroughEndAdAndAKernelService() {
        withSid("fc00:e::ad4", "End.AD nh4 10.56.4.1 oif s4 iif s4", () -> {
            policy(false, "fc00:e::ad4");
            assertThroughProxy("fc00:e::ad4", false);
        });
    }

    /** The service drops one flow with nftables: its packets reach the service and never come back; pings still pass. */
    @Test
    public void aFlowTheServiceFiltersIsCountedThereAndGoesNoFurther() {
        withSid("fc00:e::a6", "End.AS nh6 fc00:56::1 oif s6 iif s6 src fc00:12::2 segs fc00:b2::d6", () -> {
            policy(true, "fc00:e::a6");
            svc.sh("nft add table inet pa && nft add chain inet pa pafwd '{ type filter hook forward priority 0; policy accept; }'"
                    + " && nft add rule inet pa pafwd ip6 daddr fc00:a2::1 udp dport 9999 counter drop");
            try {
                long before = sidPackets("fc00:e::a6");
                long atH2 = h2Decapsulated(true);
                // bash's /dev/udp: five datagrams from H1 into the policy, no reply expected
                h1.exec("bash", "-c", "for i in 1 2 3 4 5; do echo proxy > /dev/udp/fc00:a2::1/9999; done").check();
                String rules = "";
                long deadline = System.currentTimeMillis() + 5000;
                while (!rules.contains("counter packets 5") && System.currentTimeMillis() < deadline) {
                    rules = svc.exec("nft", "list", "chain", "inet", "pa", "pafwd").stdout();
                }
                assertTrue("the service dropped the 5 datagrams: " + rules, rules.contains("counter packets 5"));
                assertTrue("5 datagrams to the service", sidPackets("fc00:e::a6") >= before + 5);
                assertEquals("none of them reached H2", atH2, h2Decapsulated(true));
                assertThroughProxy("fc00:e::a6", true);
            } finally {
                svc.sh("nft delete table inet pa");
            }
        });
    }

    /** PACKETS of {@code sid} in {@code srv6:sids}. */
    private static long sidPackets(String sid) {
        String sids = app.ok("srv6:sids");
        return sids.lines().filter(l -> l.startsWith(sid + " ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[5]))
                .orElseThrow(() -> new AssertionError("no " + sid + " in " + sids));
    }
}
