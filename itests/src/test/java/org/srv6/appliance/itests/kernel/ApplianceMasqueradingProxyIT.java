package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * End.AM (draft-ietf-spring-sr-service-programming §6.4) end to end through the built
 * distribution: a real SR-unaware service, a Linux namespace that only routes by destination,
 * between two kernel SR hosts.
 *
 * <pre>
 *  H1 (kernel seg6) --pma-- appliance (namespace R) --pmb-- H2 (kernel seg6local)
 *                            |  oif pmo      ^ iif pmi
 *                            v               |
 *                           SVC (kernel, forwarding=1, no SRv6)
 * </pre>
 *
 * <ul>
 * <li>H1 fc00:1::1/64 (fc00:a1::1, 10.1.0.1 on lo); H2 fc00:2::1/64 (fc00:a2::1, 10.2.0.1 on lo);
 * SVC fc00:5::1/64 toward the appliance's oif, fc00:6::1/64 on its iif; the appliance
 * fc00:1::2, fc00:2::2, fc00:5::2, fc00:6::2.</li>
 * <li>Each host encapsulates what it sends the other ({@code encap seg6 mode encap segs
 * AM,PEER_SID}): the path goes through the appliance's End.AM fc00:e::a1 both ways, so both
 * requests and replies cross the service. PEER_SID is the other host's End.DT6 (table 255: the
 * host's addresses are local) or, for IPv4, End.DX4 to its own address: the kernel's End.DT4
 * needs a VRF device, which this build machine does not have.</li>
 * <li>The service sees the outer IPv6 packet with DA = Segment List[0], the peer's SID, and SL 0:
 * it routes fc00:b1::/64 and fc00:b2::/64 (the hosts' SID prefixes) back to the appliance out the
 * iif port, where End.AM puts Segment List[SL] back as DA and forwards as End would.</li>
 * </ul>
 */
public class ApplianceMasqueradingProxyIT {
    private static final String AM = "fc00:e::a1";

    private static Netns r;
    private static Netns h1;
    private static Netns h2;
    private static Netns svc;
    private static Appliance app;

    private static final String SYSCTLS = "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
            + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0"
            + " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0";

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            r = Netns.create("pm", "r");
            h1 = Netns.create("pm", "h1");
            h2 = Netns.create("pm", "h2");
            svc = Netns.create("pm", "sv");
            app = Appliance.start(r);
            awaitKeyword("End.AM");
            for (Netns n : new Netns[] {h1, h2, svc}) {
                n.sh(SYSCTLS);
            }
            app.ok("ip link add pma type tap netns " + h1.name());
            app.ok("ip link add pmb type tap netns " + h2.name());
            app.ok("ip link add pmo type tap netns " + svc.name());
            app.ok("ip link add pmi type tap netns " + svc.name());
            for (String p : List.of("pma", "pmb", "pmo", "pmi")) {
                app.ok("ip link set " + p + " up");
            }
            app.ok("ip -6 addr add fc00:1::2/64 dev pma");
            app.ok("ip -6 addr add fc00:2::2/64 dev pmb");
            app.ok("ip -6 addr add fc00:5::2/64 dev pmo");
            app.ok("ip -6 addr add fc00:6::2/64 dev pmi");
            app.ok("ip -6 route add fc00:b1::/64 via fc00:1::1 dev pma");
            app.ok("ip -6 route add fc00:b2::/64 via fc00:2::1 dev pmb");
            app.ok("ip -6 route add " + AM + " encap seg6local action End.AM nh6 fc00:5::1 oif pmo iif pmi dev pma");
            host(h1, "pma", "1", "2");
            host(h2, "pmb", "2", "1");
            // the service: plain IPv6 forwarding by destination, no SRv6; the last segments' prefixes
            // go back to the appliance on the iif side
            svc.sh("sysctl -qw net.ipv6.conf.all.forwarding=1"
                    + " && ip link set pmo up && ip link set pmi up"
                    + " && ip -6 addr add fc00:5::1/64 dev pmo nodad && ip -6 addr add fc00:6::1/64 dev pmi nodad"
                    + " && ip -6 route add fc00:b1::/64 via fc00:6::2 dev pmi"
                    + " && ip -6 route add fc00:b2::/64 via fc00:6::2 dev pmi");
            svc.sh("nft add table ip6 svc && nft add chain ip6 svc forward '{ type filter hook forward priority 0; policy accept; }'"
                    + " && nft add rule ip6 svc forward iifname pmo oifname pmi counter");
        } catch (Exception | Error e) {
            String log = app == null ? "" : "\n" + app.logTail(40);
            tearDown();
            throw new IllegalStateException(e.getMessage() + log, e);
        }
    }

    /** A host: its addresses on lo, its way to the appliance, its policy through End.AM to the peer, its SIDs. */
    private static void host(Netns h, String dev, String self, String peer) {
        h.sh("sysctl -qw net.ipv6.conf." + dev + ".seg6_enabled=1 net.ipv6.conf.all.seg6_enabled=1"
                + " && ip link set " + dev + " up && ip -6 addr add fc00:" + self + "::1/64 dev " + dev + " nodad"
                + " && ip -6 addr add fc00:a" + self + "::1/128 dev lo && ip addr add 10." + self + ".0.1/32 dev lo"
                + " && ip sr tunsrc set fc00:" + self + "::1"
                + " && ip -6 route add fc00:e::/64 via fc00:" + self + "::2 dev " + dev
                + " && ip -6 route add fc00:a" + peer + "::/64 encap seg6 mode encap segs " + AM + ",fc00:b" + peer
                + "::d6 dev " + dev
                + " && ip route add 10." + peer + ".0.0/24 encap seg6 mode encap segs " + AM + ",fc00:b" + peer
                + "::d4 dev " + dev
                + " && ip -6 route add fc00:b" + self + "::d6/128 encap seg6local action End.DT6 table 255 dev " + dev
                + " && ip -6 route add fc00:b" + self + "::d4/128 encap seg6local action End.DX4 nh4 10." + self
                + ".0.1 dev " + dev);
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(app, h1, h2, svc, r);
    }

    private static void awaitKeyword(String keyword) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!List.of(app.client("srv6:keywords").stdout().trim().split("\\s+")).contains(keyword)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(keyword + " not registered: " + app.client("srv6:keywords").stdout());
            }
            Thread.sleep(100);
        }
    }

    private static Netns.Result ping(Netns from, boolean ipv6, String src, String dst) {
        return EndToEndHosts.ping(from, ipv6, src, dst);
    }

    private static String state(Netns.Result p) {
        return EndToEndHosts.explain(p) + "\nsrv6:sids:\n" + app.client("srv6:sids").stdout()
                + "\nsrv6:stats:\n" + app.client("srv6:stats").stdout()
                + "\nservice:\n" + svc.exec("nft", "list", "ruleset").stdout() + svc.exec("ip", "-6", "neigh").stdout()
                + "\nappliance neighbors:\n" + app.client("ip neigh show").stdout();
    }

    /** A ping whose 3 requests and 3 replies all go through End.AM: 6 to the service, 6 back from it. */
    private static void assertPingThroughTheService(Netns from, boolean ipv6, String src, String dst) {
        long sid = sidPackets(AM);
        long served = serviceCounter();
        Netns.Result p = ping(from, ipv6, src, dst);
        String why = "ping " + src + " -> " + dst + " " + state(p);
        assertEquals(why, 0, p.exitCode());
        assertTrue("3 replies expected: " + why, p.stdout().contains("3 received"));
        assertEquals("End.AM: 6 packets to the service and 6 back from it: " + why, sid + 12, sidPackets(AM));
        assertEquals("the service forwarded the 6 packets: " + why, served + 6, serviceCounter());
    }

    @Test
    public void ping6FromH1ToH2ThroughTheServiceBothWays() {
        assertPingThroughTheService(h1, true, "fc00:a1::1", "fc00:a2::1");
    }

    @Test
    public void ping6FromH2ToH1ThroughTheServiceBothWays() {
        assertPingThroughTheService(h2, true, "fc00:a2::1", "fc00:a1::1");
    }

    @Test
    public void ping4WithIpv4InnerThroughTheService() {
        assertPingThroughTheService(h1, false, "10.1.0.1", "10.2.0.1");
    }

    /**
     * The service's firewall drops what goes to H2's End.DX4 (the IPv4 flow): ping -4 fails, the
     * drops show in the service's counter and nothing of that flow comes back to End.AM, while
     * ping -6 still goes through; without the rule ping -4 works again.
     */
    @Test
    public void aFlowTheServiceFiltersIsDroppedThereAndTheOthersPass() {
        svc.sh("nft insert rule ip6 svc forward ip6 daddr fc00:b2::d4 counter drop comment \\\"pmdrop\\\"");
        try {
            long sid = sidPackets(AM);
            Netns.Result p = ping(h1, false, "10.1.0.1", "10.2.0.1");
            assertNotEquals("ping -4 through a service that drops it: " + state(p), 0, p.exitCode());
            assertEquals("the service dropped the 3 requests: " + state(p), 3, ruleCounter("pmdrop"));
            assertEquals("End.AM masqueraded the 3 requests, none came back: " + state(p), sid + 3, sidPackets(AM));
            assertPingThroughTheService(h1, true, "fc00:a1::1", "fc00:a2::1");
        } finally {
            svc.sh("nft flush chain ip6 svc forward && nft add rule ip6 svc forward iifname pmo oifname pmi counter");
        }
        assertPingThroughTheService(h1, false, "10.1.0.1", "10.2.0.1");
    }

    /**
     * The exact packets: what the service receives on its oif side is H1's encapsulated request
     * with DA = Segment List[0], SL 1 -> 0 and hop limit 64 -> 63; what reaches H2 after the
     * service is the same packet with DA = Segment List[SL] and the hop limit decremented by the
     * service and once again by the appliance (61), nothing else changed.
     */
    @Test
    public void theServiceSeesTheLastSegmentAsDestinationAndH2TheRestoredOne() {
        try (RawSocket atService = RawSocket.open(svc, "pmo"); RawSocket atH2 = RawSocket.open(h2, "pmb")) {
            atService.drain();
            atH2.drain();
            Netns.Result p = ping(h1, true, "fc00:a1::1", "fc00:a2::1");
            assertEquals(state(p), 0, p.exitCode());
            byte[] served = atService.receive(2000, ApplianceMasqueradingProxyIT::srv6Frame);
            byte[] arrived = atH2.receive(2000, ApplianceMasqueradingProxyIT::srv6Frame);
            assertTrue("the service received the request", served != null && served.length > 14 + 40 + 40);
            assertTrue("H2 received the request", arrived != null && arrived.length == served.length);
            byte[] l3 = Arrays.copyOfRange(served, 14, served.length);
            assertEquals("hop limit after End.AM's masquerading", 63, l3[7] & 0xff);
            assertEquals("Segments Left after masquerading", 0, l3[40 + 3] & 0xff);
            assertEquals("DA = Segment List[0]", Packets.hex(Packets.ip6("fc00:b2::d6")), Packets.hex(Arrays.copyOfRange(l3, 24, 40)));
            assertEquals("Segment List[0]", Packets.hex(Packets.ip6("fc00:b2::d6")), Packets.hex(Arrays.copyOfRange(l3, 48, 64)));
            assertEquals("Segment List[1], the proxy SID", Packets.hex(Packets.ip6(AM)), Packets.hex(Arrays.copyOfRange(l3, 64, 80)));
            byte[] expected = l3.clone();
            expected[7] = 61; // the service's decrement, then de-masquerading's
            // DA = Segment List[SL] = Segment List[0]: the same address back
            assertEquals(Packets.hex(expected), Packets.hex(Arrays.copyOfRange(arrived, 14, arrived.length)));
        }
    }

    /** Filter: an IPv6 frame with an SRH (the encapsulated traffic), no NDP noise. */
    private static boolean srv6Frame(byte[] f) {
        return f.length > 14 + 40 && Packets.ethertype(f) == 0x86dd && (f[14 + 6] & 0xff) == 43;
    }

    @Test
    public void aServicePortThatDoesNotExistIsRefusedWithOneLine() {
        Netns.Result res = app.client("ip -6 route add fc00:e::a9 encap seg6local action End.AM nh6 fc00:5::1 oif pmx iif pmi dev pma");
        assertNotEquals(0, res.exitCode());
        String err = res.stderr().trim() + res.stdout().trim();
        assertTrue(err, err.startsWith("Error: ") && err.contains("unknown port pmx"));
        assertFalse(err, err.contains("\n"));
        assertFalse("nothing added", app.ok("ip -6 route show").contains("fc00:e::a9"));
    }

    @Test
    public void behaviorsListsEndAmWithItsSyntax() {
        // keyword, bundle id, bundle, version, the SIDs using it; the syntax on the next line
        List<String> b = app.ok("srv6:behaviors").lines().toList();
        int i = b.indexOf(b.stream().filter(l -> l.startsWith("End.AM ")).findFirst().orElse(""));
        assertTrue(String.join("\n", b), i >= 0 && b.get(i).contains(" srv6-behavior-end-am ") && b.get(i).endsWith(" " + AM));
        assertEquals(String.join("\n", b), "nh6 ADDRESS oif PORT iif PORT [count]", b.get(i + 1).trim());
        String routes = app.ok("ip -6 route show");
        assertTrue(routes, routes.contains(AM + " encap seg6local action End.AM nh6 fc00:5::1 oif pmo iif pmi dev pma"));
    }

    /** The packets counter of the service's accounting rule (what it forwarded from oif to iif). */
    private static long serviceCounter() {
        String rules = svc.exec("nft", "list", "chain", "ip6", "svc", "forward").check().stdout();
        Matcher m = Pattern.compile("iifname \"pmo\" oifname \"pmi\" counter packets (\\d+)").matcher(rules);
        if (!m.find()) {
            throw new AssertionError("no accounting rule in " + rules);
        }
        return Long.parseLong(m.group(1));
    }

    private static long ruleCounter(String comment) {
        String rules = svc.exec("nft", "list", "chain", "ip6", "svc", "forward").check().stdout();
        Matcher m = Pattern.compile("counter packets (\\d+) bytes \\d+ drop comment \"" + comment + "\"").matcher(rules);
        if (!m.find()) {
            throw new AssertionError("no rule " + comment + " in " + rules);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * PACKETS − DROPS of {@code sid} in {@code srv6:sids}: the packets End.AM carried. The service's
     * own link traffic that reaches the claimed port (an MLD report, a router solicitation) is
     * refused there and counted as a packet from the service and a drop at once.
     */
    private static long sidPackets(String sid) {
        String sids = app.ok("srv6:sids");
        return sids.lines().filter(l -> l.startsWith(sid + " ")).findFirst()
                .map(l -> l.trim().split("\\s+"))
                .map(f -> Long.parseLong(f[5]) - Long.parseLong(f[7]))
                .orElseThrow(() -> new AssertionError("no " + sid + " in " + sids));
    }
}
