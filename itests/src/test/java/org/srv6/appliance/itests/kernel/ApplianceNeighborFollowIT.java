package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.srv6.appliance.itests.kernel.Poll.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * The netlink follower and the control namespace's neighbors: the appliance runs in namespace r
 * with TAP port p1 made in host namespace h (which has fc00:1::2, answering NDP with its own MAC);
 * control namespace cp has an interface p1 (a veth end, standing for p1's mirror). A permanent
 * neighbor added with iproute2 in cp becomes the appliance's (PERMANENT, {@code proto kernel}) and
 * traffic to it leaves p1 for its MAC, not the one NDP would find; a noarp IPv4 one is taken too;
 * a reachable one is left alone (counted ignored); deleting it in cp removes it. A neighbor typed
 * in the appliance's shell is never replaced nor removed by the follower, also across the dumps a
 * burst of neighbors that overruns the follower's 4 KiB receive buffer forces; the learnt ones are
 * never in etc/srv6.conf, and after a restart they come back from the kernel, the typed one from the file.
 */
public class ApplianceNeighborFollowIT {
    private static final String KERNEL_MAC = "02:00:00:00:aa:02";
    private static final String TYPED_MAC = "02:00:00:00:aa:07";
    /** Neighbors of the burst that overruns the receive buffer. */
    private static final int BURST = 500;
    private static final String V4_LINE = "10.1.0.4 dev p1 lladdr 02:00:00:00:aa:04 PERMANENT proto kernel";

    private Netns r;
    private Netns h;
    private Netns cp;
    private Appliance app;

    @Before
    public void setUp() throws IOException {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        r = Netns.create("nb", "r");
        h = Netns.create("nb", "h");
        cp = Netns.create("nb", "cp");
        cp.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                + " && ip link add p1 type veth peer name p1peer && ip link set p1 up && ip link set p1peer up");
        // a 4 KiB receive buffer: a burst of neighbor messages overruns it and the follower dumps again
        app = Appliance.copy(r).javaOpts("-Dsrv6.lcp.netns=" + cp.name() + " -Dsrv6.lcp.rcvbuf=4096");
        app.boot();
        app.ok("ip link add p1 type tap netns " + h.name());
        h.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.p1.accept_dad=0"
                + " && ip link set p1 up && ip -6 addr add fc00:1::2/64 dev p1 nodad");
        app.ok("ip -6 addr add fc00:1::1/64 dev p1");
    }

    @After
    public void tearDown() {
        if (app != null) {
            app.close();
        }
        for (Netns n : new Netns[] {cp, h, r}) {
            if (n != null) {
                n.close();
            }
        }
    }


    private String neighbors() {
        return app.ok("ip neigh show");
    }


    /** A UDP datagram from h to fc00:1::2 through the appliance (in and out of p1): the frame that leaves p1. */
    private byte[] forwarded(int seq) {
        byte[] ip = Packets.ipv6("fc00:5::9", "fc00:1::2").hopLimit(64).udp(4000 + seq, 7777, Packets.fill(16, seq)).bytes();
        try (RawSocket hs = RawSocket.open(h, "p1")) {
            hs.drain();
            hs.send(Packets.ethernet(app.mac("p1"), h.mac("p1"), Packets.ETH_IPV6, ip));
            return hs.receive(5000, f -> f.length >= 58 && Packets.ethertype(f) == Packets.ETH_IPV6
                    && (f[20] & 0xff) == 17 && Packets.u16(f, 54) == 4000 + seq);
        }
    }

    private static long counter(String stats, String name) {
        Matcher m = Pattern.compile("neighbors learnt (\\d+) applied (\\d+) removed (\\d+) ignored (\\d+)").matcher(stats);
        assertTrue(stats, m.find());
        return Long.parseLong(m.group(switch (name) {
            case "learnt" -> 1;
            case "applied" -> 2;
            case "removed" -> 3;
            default -> 4;
        }));
    }

    @Test
    public void staticNeighborsOfTheControlNamespaceAreFollowedAndNeverSaved() throws Exception {
        assertTrue(app.ok("lcp:stats"), within(10_000, () -> app.ok("lcp:stats").contains("netns " + cp.name() + ": following")));
        // a typed neighbor, before anything of the kernel
        app.ok("ip -6 neigh add fc00:1::7 lladdr " + TYPED_MAC + " dev p1");

        long t0 = System.nanoTime();
        cp.sh("ip -6 neigh add fc00:1::2 lladdr " + KERNEL_MAC + " dev p1 nud permanent");
        String line = "fc00:1::2 dev p1 lladdr " + KERNEL_MAC + " PERMANENT proto kernel";
        assertTrue(neighbors(), within(5000, () -> neighbors().contains(line)));
        System.out.printf("neighbor in the appliance %.0f ms after ip neigh add returned%n", (System.nanoTime() - t0) / 1e6);

        // traffic to fc00:1::2 leaves for the kernel's MAC, not h's (which NDP would have found)
        byte[] out = forwarded(1);
        assertNotNull("the datagram left p1", out);
        assertArrayEquals("destination MAC " + Packets.hex(Packets.slice(out, 0, 6)), Packets.mac(KERNEL_MAC),
                Packets.slice(out, 0, 6));
        assertArrayEquals("source MAC", app.mac("p1"), Packets.slice(out, 6, 6));
        assertEquals("hop limit", 63, out[21] & 0xff);

        // IPv4 noarp is static too; a reachable entry is the kernel's own learning: left alone
        long ignored = counter(app.ok("lcp:stats"), "ignored");
        // (the kernel may garbage-collect a NOARP entry, so the later checks use the permanent 10.1.0.4)
        cp.sh("ip -4 neigh add 10.1.0.3 lladdr 02:00:00:00:aa:03 dev p1 nud noarp"
                + " && ip -4 neigh add 10.1.0.4 lladdr 02:00:00:00:aa:04 dev p1 nud permanent"
                + " && ip -6 neigh add fc00:1::5 lladdr 02:00:00:00:aa:05 dev p1 nud reachable");
        assertTrue(neighbors(), within(5000, () -> neighbors().contains("10.1.0.3 dev p1 lladdr 02:00:00:00:aa:03 PERMANENT proto kernel")
                && neighbors().contains(V4_LINE)));
        assertTrue(app.ok("lcp:stats"), within(5000, () -> counter(app.ok("lcp:stats"), "ignored") > ignored));
        assertFalse(neighbors(), neighbors().contains("fc00:1::5 "));

        // the kernel's entry for the typed address is refused: the typed one keeps its MAC, no proto
        cp.sh("ip -6 neigh add fc00:1::7 lladdr 02:00:00:00:aa:77 dev p1 nud permanent");
        assertTrue(app.ok("lcp:stats"), within(5000, () -> app.ok("lcp:stats").contains("appliance: neighbor typed in the shell")));
        String typedLine = "fc00:1::7 dev p1 lladdr " + TYPED_MAC + " PERMANENT\n";
        assertTrue(neighbors(), neighbors().contains(typedLine));

        // saved: the typed neighbor, none of the kernel's
        app.ok("srv6:config save " + app.home().resolve("etc/check.conf"));
        for (String f : new String[] {app.saved(), Files.readString(app.home().resolve("etc/check.conf"))}) {
            assertTrue(f, f.contains("ip -6 neigh add fc00:1::7 lladdr " + TYPED_MAC + " dev p1"));
            assertFalse(f, f.contains("fc00:1::2") || f.contains("10.1.0.") || f.contains(KERNEL_MAC));
        }
        assertFalse(app.ok("srv6:config show"), app.ok("srv6:config show").contains(KERNEL_MAC));

        // a burst of neighbors overruns the 4 KiB receive buffer: the follower dumps again
        String before = app.ok("lcp:stats");
        long resyncs = resyncs(before);
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < BURST; i++) {
            batch.append(String.format("neigh add fc00:1::1:%x lladdr 02:00:00:01:%02x:%02x dev p1 nud permanent%n",
                    i, i >> 8, i & 0xff));
        }
        Path file = Files.createTempFile("nb-burst", ".txt");
        try {
            Files.writeString(file, batch);
            cp.exec("ip", "-6", "-batch", file.toString()).check();
        } finally {
            Files.deleteIfExists(file);
        }
        assertTrue(app.ok("lcp:stats"), within(60_000, () -> burstShown() == BURST));
        String after = app.ok("lcp:stats");
        assertTrue("dumped again: " + before + " -> " + after, resyncs(after) > resyncs);
        String shown = neighbors();
        assertEquals("learnt = the kernel's entries shown: " + after + shown, kernelShown(shown), counter(after, "learnt"));
        assertTrue("the typed neighbor survived the dumps: " + shown, shown.contains(typedLine));
        assertTrue(shown, shown.contains(line));

        // deleted in cp: gone from the appliance (the burst's too); the typed one stays even when cp deletes its entry
        batch.setLength(0);
        for (int i = 0; i < BURST; i++) {
            batch.append(String.format("neigh del fc00:1::1:%x dev p1%n", i));
        }
        file = Files.createTempFile("nb-burst", ".txt");
        try {
            Files.writeString(file, batch);
            cp.exec("ip", "-6", "-batch", file.toString()).check();
        } finally {
            Files.deleteIfExists(file);
        }
        cp.sh("ip -6 neigh del fc00:1::2 dev p1 && ip -6 neigh del fc00:1::7 dev p1");
        assertTrue(neighbors(), within(60_000, () -> !neighbors().contains("fc00:1::2 ") && !neighbors().contains("fc00:1::1:")));
        assertTrue(neighbors(), neighbors().contains(typedLine));
        assertTrue(neighbors() + cp.exec("ip", "neigh", "show", "nud", "all").stdout(), neighbors().contains(V4_LINE));
        String stats = app.ok("lcp:stats");
        assertEquals(stats, kernelShown(neighbors()), counter(stats, "learnt"));
        assertTrue(stats, counter(stats, "removed") >= BURST + 1);

        // with the kernel's entry gone the appliance resolves fc00:1::2 itself: h's own MAC
        byte[] again = forwarded(2);
        assertNotNull("the datagram left p1 after NDP", again);
        assertArrayEquals("destination MAC after NDP", h.mac("p1"), Packets.slice(again, 0, 6));
        System.out.println("lcp:stats at the end:\n" + app.ok("lcp:stats"));

        // a restart: the typed neighbor comes back from etc/srv6.conf, the kernel's from the kernel
        assertEquals(0, app.srv6("stop").exitCode());
        assertFalse(app.saved(), app.saved().contains("10.1.0."));
        app.boot();
        assertTrue(app.ok("srv6:config status"), app.ok("srv6:config status").contains(" 0 rejected"));
        assertTrue(neighbors(), within(10_000, () -> neighbors().contains(V4_LINE)));
        assertTrue(neighbors(), neighbors().contains(typedLine));
    }

    /**
     * Through a real mirror ({@code srv6:lcp add p1 netns CP name eth1}, whose namespace is followed
     * from then on): a permanent neighbor of eth1 is p1's; {@code srv6:lcp del p1} takes eth1 away
     * and the neighbor with it, the typed one stays.
     */
    @Test
    public void theMirrorGoingAwayTakesItsNeighbors() throws Exception {
        try (Netns mc = Netns.create("nb", "mc")) {
            app.ok("ip -6 neigh add fc00:1::7 lladdr " + TYPED_MAC + " dev p1");
            app.ok("srv6:lcp add p1 netns " + mc.name() + " name eth1");
            mc.sh("ip -6 neigh add fc00:1::3 lladdr 02:00:00:00:aa:33 dev eth1 nud permanent");
            String line = "fc00:1::3 dev p1 lladdr 02:00:00:00:aa:33 PERMANENT proto kernel";
            assertTrue(neighbors() + app.ok("lcp:stats"), within(10_000, () -> neighbors().contains(line)));
            app.ok("srv6:lcp del p1");
            assertTrue(neighbors(), within(10_000, () -> !neighbors().contains("fc00:1::3 ")));
            assertTrue(neighbors(), neighbors().contains("fc00:1::7 dev p1 lladdr " + TYPED_MAC + " PERMANENT\n"));
        }
    }

    /** The burst's neighbors the appliance shows. */
    private long burstShown() {
        return neighbors().lines().filter(l -> l.startsWith("fc00:1::1:") && l.endsWith(" PERMANENT proto kernel")).count();
    }

    private static long kernelShown(String shown) {
        return shown.lines().filter(l -> l.endsWith(" proto kernel")).count();
    }

    private static long resyncs(String stats) {
        Matcher m = Pattern.compile("resyncs (\\d+)").matcher(stats);
        assertTrue(stats, m.find());
        return Long.parseLong(m.group(1));
    }
}
