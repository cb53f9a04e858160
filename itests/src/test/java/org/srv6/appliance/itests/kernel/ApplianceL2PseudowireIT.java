package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * End to end through the built distribution: an L2 pseudowire over SRv6 between an appliance
 * port steered with {@code ip sr steer add iif lsac mode l2encap} and a kernel End.DX2. H1 and H2
 * share one IPv4 and one IPv6 subnet and resolve each other with ARP and NDP across it.
 *
 * <pre>
 *  H1 --lsac-- appliance (R) --lscore-- PE (kernel) --lspw/lsh2 (veth)-- H2
 *                        \--lsrv-------/
 * </pre>
 *
 * <ul>
 * <li>H1 to H2: every frame H1 sends on lsac (ARP, NDP, unicast to H2's MAC, anything) is
 * encapsulated by the appliance (H.Encaps.L2, segs fc00:b1::d2) and sent to PE, whose
 * {@code End.DX2 oif lspw} puts it out towards H2 as it was.</li>
 * <li>H2 to H1: Linux cannot encapsulate by incoming port (seg6 l2encap is a route's lightweight
 * tunnel: it only sees IP packets the kernel routes, never ARP, nor frames to another host's
 * MAC). So PE does what Linux can do by port: a tc ingress filter on lspw redirects every frame
 * H2 sends to the appliance's second port lsrv (a TAP in PE's namespace). The appliance steers
 * lsrv with H.Encaps.L2.Red through PE's kernel End SID fc00:b1::e to its own End.DX2
 * fc00:e::d2 {@code oif lsac}: the frame comes out to H1 as H2 sent it.</li>
 * </ul>
 * Addresses: H1 10.77.0.1/24 fc00:77::1/64, H2 10.77.0.2/24 fc00:77::2/64; the appliance
 * fc00:12::2/64 on lscore, PE fc00:12::1/64. No static neighbors anywhere.
 */
public class ApplianceL2PseudowireIT {
    private static Netns r;
    private static Netns h1;
    private static Netns pe;
    private static Netns h2;
    private static Appliance app;
    private static byte[] h1Mac;
    private static byte[] h2Mac;
    private static byte[] appAcMac;

    private static final String SYSCTLS = "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
            + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0"
            + " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0";

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            r = Netns.create("lse", "r");
            h1 = Netns.create("lse", "h1");
            pe = Netns.create("lse", "pe");
            h2 = Netns.create("lse", "h2");
            app = Appliance.start(r);
            awaitKeywords("l2encap", "l2encap.red", "End.DX2");
            for (Netns n : new Netns[] {h1, pe, h2}) {
                n.sh(SYSCTLS);
            }
            app.ok("ip link add lsac type tap netns " + h1.name());
            app.ok("ip link add lscore type tap netns " + pe.name());
            app.ok("ip link add lsrv type tap netns " + pe.name());
            for (String p : new String[] {"lsac", "lscore", "lsrv"}) {
                app.ok("ip link set " + p + " up");
            }
            pe.sh("ip link add lspw type veth peer name lsh2 netns " + h2.name());
            pe.sh("sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.seg6_enabled=1"
                    + " net.ipv6.conf.lscore.seg6_enabled=1"
                    + " && ip link set lscore up && ip link set lsrv up && ip link set lspw up"
                    + " && ip -6 addr add fc00:12::1/64 dev lscore nodad"
                    + " && ip -6 route add fc00:e::/64 via fc00:12::2 dev lscore"
                    + " && ip -6 route add fc00:b1::d2/128 encap seg6local action End.DX2 oif lspw count dev lscore"
                    + " && ip -6 route add fc00:b1::e/128 encap seg6local action End count dev lscore"
                    // Linux's steering by port: every frame H2 sends goes to the appliance's lsrv
                    + " && tc qdisc add dev lspw ingress"
                    + " && tc filter add dev lspw ingress protocol all u32 match u32 0 0"
                    + " action mirred egress redirect dev lsrv");
            h1.sh("ip link set lsac up && ip addr add 10.77.0.1/24 dev lsac"
                    + " && ip -6 addr add fc00:77::1/64 dev lsac nodad");
            h2.sh("ip link set lsh2 up && ip addr add 10.77.0.2/24 dev lsh2"
                    + " && ip -6 addr add fc00:77::2/64 dev lsh2 nodad");
            app.ok("ip -6 addr add fc00:12::2/64 dev lscore");
            app.ok("ip sr tunsrc set fc00:12::2");
            app.ok("ip -6 route add fc00:b1::/64 via fc00:12::1 dev lscore");
            app.ok("ip -6 route add fc00:e::d2 encap seg6local action End.DX2 oif lsac dev lscore");
            app.ok("ip sr steer add iif lsac mode l2encap segs fc00:b1::d2");
            app.ok("ip sr steer add iif lsrv mode l2encap.red segs fc00:b1::e,fc00:e::d2");
            h1Mac = h1.mac("lsac");
            h2Mac = h2.mac("lsh2");
            appAcMac = app.mac("lsac");
        } catch (Exception | Error e) {
            String log = app == null ? "" : "\n" + app.logTail(40);
            tearDown();
            throw new IllegalStateException(e.getMessage() + log, e);
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(app, h1, pe, h2, r);
    }

    private static void awaitKeywords(String... keywords) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String have = "";
        while (System.currentTimeMillis() < deadline) {
            have = app.ok("srv6:keywords");
            if (List.of(have.trim().split("\\s+")).containsAll(List.of(keywords))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("behaviors " + List.of(keywords) + " not registered: " + have);
    }

    private static String state() {
        return "\nsteering:\n" + app.client("ip -s sr steer show").stdout() + "srv6:sids:\n"
                + app.client("srv6:sids").stdout() + "srv6:stats:\n" + app.client("srv6:stats").stdout()
                + "PE:\n" + pe.exec("ip", "-s", "-6", "route", "show").stdout()
                + "H1 neighbors:\n" + h1.exec("ip", "neigh", "show").stdout()
                + "H2 neighbors:\n" + h2.exec("ip", "neigh", "show").stdout() + app.logTail(20);
    }

    private static void assertPing(Netns from, boolean ipv6, String src, String dst) {
        Netns.Result p = EndToEndHosts.ping(from, ipv6, src, dst);
        String why = "ping " + src + " -> " + dst + " " + EndToEndHosts.explain(p) + state();
        assertEquals(why, 0, p.exitCode());
        assertTrue("3 replies expected: " + why, p.stdout().contains("3 received"));
    }

    /** The lladdr of {@code address} in {@code host}'s neighbor table, or null. */
    private static String lladdr(Netns host, String dev, String address) {
        String out = host.exec("ip", "neigh", "show", address, "dev", dev).stdout();
        Matcher m = Pattern.compile("lladdr ([0-9a-f:]{17})").matcher(out);
        return m.find() ? m.group(1) : null;
    }

    /** Steering counters of {@code port}: packets, bytes, errors from {@code ip -s sr steer show}. */
    private static long[] steerCounters(String port) {
        String out = app.ok("ip -s sr steer show");
        Matcher m = Pattern.compile("iif " + port + " mode [^\\n]*\\n\\s+packets (\\d+) bytes (\\d+) errors (\\d+)")
                .matcher(out);
        assertTrue("no counters for " + port + " in\n" + out, m.find());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    /** Packets of a kernel seg6local route with {@code count} on PE. */
    private static long kernelSidPackets(String sid) {
        String out = pe.exec("ip", "-s", "-6", "route", "show", sid).stdout();
        Matcher m = Pattern.compile("packets (\\d+)").matcher(out);
        assertTrue("no counters for " + sid + " in " + out, m.find());
        return Long.parseLong(m.group(1));
    }

    /** PACKETS of {@code sid} in {@code srv6:sids}. */
    private static long applianceSidPackets(String sid) {
        String sids = app.ok("srv6:sids");
        return sids.lines().filter(l -> l.startsWith(sid + " ")).findFirst()
                .map(l -> Long.parseLong(l.trim().split("\\s+")[5]))
                .orElseThrow(() -> new AssertionError("no " + sid + " in " + sids));
    }

    /** ARP across the pseudowire, then IPv4 ping both ways: each host learns the other's own MAC. */
    @Test
    public void arpAndPing4AcrossThePseudowire() {
        h1.exec("ip", "neigh", "flush", "dev", "lsac");
        h2.exec("ip", "neigh", "flush", "dev", "lsh2");
        long[] before = steerCounters("lsac");
        assertPing(h1, false, "10.77.0.1", "10.77.0.2");
        assertPing(h2, false, "10.77.0.2", "10.77.0.1");
        assertEquals("H1 resolved H2 by ARP to H2's own MAC" + state(), KernelTopology.hex(h2Mac),
                lladdr(h1, "lsac", "10.77.0.2"));
        assertEquals("H2 resolved H1 by ARP to H1's own MAC" + state(), KernelTopology.hex(h1Mac),
                lladdr(h2, "lsh2", "10.77.0.1"));
        long[] after = steerCounters("lsac");
        // at least the ARP request and the 3 echo requests and 3 replies of the two pings
        assertTrue("frames steered on lsac: " + before[0] + " -> " + after[0], after[0] - before[0] >= 7);
        assertEquals("steering errors on lsac" + state(), 0, after[2]);
    }

    /** NDP across the pseudowire (solicitations are multicast), then IPv6 ping both ways. */
    @Test
    public void ndpAndPing6AcrossThePseudowire() {
        assertPing(h1, true, "fc00:77::1", "fc00:77::2");
        assertPing(h2, true, "fc00:77::2", "fc00:77::1");
        assertEquals("H1 resolved H2 by NDP" + state(), KernelTopology.hex(h2Mac), lladdr(h1, "lsac", "fc00:77::2"));
        assertEquals("H2 resolved H1 by NDP" + state(), KernelTopology.hex(h1Mac), lladdr(h2, "lsh2", "fc00:77::1"));
    }

    /**
     * The appliance answers nothing on the attachment circuit: an ARP request for any address and
     * a frame of any type to any MAC both arrive at H2 exactly as H1 sent them.
     */
    @Test
    public void anyFrameArrivesAtH2AsH1SentIt() throws Exception {
        try (RawSocket tx = RawSocket.open(h1, "lsac"); RawSocket rx = RawSocket.open(h2, "lsh2")) {
            byte[] arp = Packets.ethernet("ff:ff:ff:ff:ff:ff", KernelTopology.hex(h1Mac), 0x0806,
                    Packets.cat(Packets.arp(1, KernelTopology.hex(h1Mac), "10.77.0.1", "00:00:00:00:00:00",
                            "10.77.0.99"), new byte[18]));
            byte[] odd = Packets.ethernet("02:00:00:77:77:77", KernelTopology.hex(h1Mac), 0x88b5, Packets.fill(60, 5));
            long dx2 = kernelSidPackets("fc00:b1::d2");
            long[] steered = steerCounters("lsac");
            rx.drain();
            tx.drain();
            tx.send(arp);
            byte[] got = rx.receive(3000, f -> f.length == arp.length && Packets.ethertype(f) == 0x0806
                    && Packets.hex(f).equals(Packets.hex(arp)));
            assertNotNull("the ARP request did not arrive at H2 as sent" + state(), got);
            tx.send(odd);
            got = rx.receive(3000, f -> Packets.ethertype(f) == 0x88b5);
            assertNotNull("the 0x88b5 frame to a foreign MAC did not arrive at H2" + state(), got);
            assertEquals(Packets.hex(odd), Packets.hex(got));
            assertTrue("no ARP reply from the appliance on lsac",
                    tx.receive(500, f -> Packets.ethertype(f) == 0x0806
                            && Packets.hex(f).contains(KernelTopology.hex(appAcMac).replace(":", ""))) == null);
            assertTrue("kernel End.DX2 decapsulated both: " + dx2 + " -> " + kernelSidPackets("fc00:b1::d2"),
                    kernelSidPackets("fc00:b1::d2") >= dx2 + 2);
            assertTrue("both steered", steerCounters("lsac")[0] >= steered[0] + 2);
        }
    }

    /** Frames steered on lsrv, then seen by PE's kernel End, then decapsulated by the appliance's End.DX2. */
    private static List<Long> reverseCounters() {
        return List.of(steerCounters("lsrv")[0], kernelSidPackets("fc00:b1::e"), applianceSidPackets("fc00:e::d2"));
    }

    /** The three counters once two readings 300 ms apart agree (no frame in flight between them). */
    private static List<Long> settledReverseCounters() throws InterruptedException {
        List<Long> last = reverseCounters();
        for (int i = 0; i < 30; i++) {
            Thread.sleep(300);
            List<Long> now = reverseCounters();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("counters never settled: " + last + state());
    }

    /** Every frame H2 sends comes back through PE's kernel End and the appliance's End.DX2: their counts agree. */
    @Test
    public void reverseDirectionCountersAgree() throws Exception {
        List<Long> before = settledReverseCounters();
        assertPing(h2, false, "10.77.0.2", "10.77.0.1");
        List<Long> after = settledReverseCounters();
        long steered = after.get(0) - before.get(0);
        assertTrue("steered on lsrv during the ping: " + steered + " >= 3" + state(), steered >= 3);
        assertEquals("kernel End saw what the appliance steered on lsrv" + state(), steered,
                after.get(1) - before.get(1));
        assertEquals("the appliance's End.DX2 decapsulated what the kernel End sent back" + state(), steered,
                after.get(2) - before.get(2));
    }

    /** {@code ip sr steer show} lines paste back, and the steering comes back after a restart. */
    @Test
    public void steeringSurvivesRestartAndShowPastesBack() throws Exception {
        String show = app.ok("ip sr steer show");
        assertEquals("iif lsac mode l2encap segs fc00:b1::d2\niif lsrv mode l2encap.red segs fc00:b1::e,fc00:e::d2\n",
                show);
        assertEquals(0, app.srv6("stop").exitCode());
        app.boot();
        awaitKeywords("l2encap", "l2encap.red", "End.DX2");
        assertEquals("steering replayed from the running configuration", show, app.ok("ip sr steer show"));
        // pasted back: delete one line and add it again as shown
        app.ok("ip sr steer del iif lsac");
        app.ok("ip sr steer add " + show.lines().findFirst().orElseThrow());
        assertEquals(show, app.ok("ip sr steer show"));
        assertPing(h1, false, "10.77.0.1", "10.77.0.2");
        assertPing(h1, true, "fc00:77::1", "fc00:77::2");
    }

    /** Bad steering commands: one line each, nothing changed. */
    @Test
    public void badSteeringCommandsAreRefusedWithOneLine() {
        String show = app.ok("ip sr steer show");
        for (String[] c : new String[][] {
                {"ip sr steer add iif lsnope mode l2encap segs fc00:b1::d2", "no such port lsnope"},
                {"ip sr steer add iif lscore mode l3encap segs fc00:b1::d2", "unknown steering mode l3encap"},
                {"ip sr steer add iif lscore mode inline segs fc00:b1::d2", "unknown steering mode inline"},
                {"ip sr steer add iif lsac mode l2encap segs fc00:b1::d2", "port lsac is already steered"},
                {"ip sr steer add iif lscore mode l2encap segs fc00:b1::d2 hmac 77", "hmac key 77 is not set"}}) {
            Netns.Result res = app.client(c[0]);
            assertTrue(c[0] + " must be refused", res.exitCode() != 0);
            String err = res.stderr().trim();
            assertTrue(c[0] + ": " + err, err.contains(c[1]));
            assertEquals(c[0] + ": one line", 1, err.lines().count());
        }
        assertEquals(show, app.ok("ip sr steer show"));
    }
}
