package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.srv6.appliance.itests.kernel.Poll.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * The netlink follower (srv6-lcp) against a real kernel: the appliance runs in namespace r with
 * TAP port p1 made in host namespace h; the control namespace cp has an interface named p1 (a
 * veth end, standing for p1's mirror). What is configured with iproute2 in cp (an address, a
 * static route, a seg6local End SID, a route through a nexthop object) appears in the appliance
 * with the kernel's protocol, goes when it is deleted in cp, and is never saved to etc/srv6.conf;
 * a burst of 100k routes from {@code ip -batch} (and half of them deleted) ends with the appliance's table equal to the kernel's;
 * a restarted appliance gets it all back from the kernel.
 */
public class ApplianceNetlinkIT {
    /** Routes of the burst with the default receive buffer (-Dlcp.burst=N). */
    private static final int BURST = Integer.getInteger("lcp.burst", 100_000);
    /** Routes of the burst with a 4 KiB receive buffer, which overruns and dumps again and again. */
    private static final int SMALL_BURST = 10_000;

    private Netns r;
    private Netns h;
    private Netns cp;
    private Appliance app;
    /** A control namespace made after the appliance started, by name (ip netns add). */
    private final String late = "nl" + ProcessHandle.current().pid() % 100000 + "late";

    @Before
    public void setUp() throws IOException {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        r = Netns.create("nl", "r");
        h = Netns.create("nl", "h");
        cp = Netns.create("nl", "cp");
        cp.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                + " && ip link add p1 type veth peer name p1peer && ip link set p1 up && ip link set p1peer up");
    }

    /** Starts the appliance following cp and the late namespace, with {@code opts}; makes port p1 in h. */
    private void start(String opts) throws IOException {
        app = Appliance.copy(r).javaOpts("-Dsrv6.lcp.netns=" + cp.name() + "," + late + opts);
        app.boot();
        app.ok("ip link add p1 type tap netns " + h.name());
    }

    @After
    public void tearDown() {
        if (app != null) {
            app.close();
        }
        Netns.host("ip", "netns", "del", late);
        for (Netns n : new Netns[] {cp, h, r}) {
            if (n != null) {
                n.close();
            }
        }
    }


    private String routes() {
        return app.ok("ip -6 route show");
    }


    @Test
    public void kernelRoutesAddressesAndSidsAreFollowedAndNeverSaved() throws Exception {
        start("");
        cp.sh("ip -6 addr add fc00:1::1/64 dev p1 nodad"
                + " && ip -6 route add fc00:9::/64 via fc00:1::2 dev p1 proto static"
                + " && ip -6 route add fc00:100::1/128 encap seg6local action End dev p1"
                + " && ip nexthop add id 12 via fc00:1::2 dev p1"
                + " && ip -6 route add fc00:8::/64 nhid 12 proto ospf");
        assertTrue(app.ok("ip -6 addr show dev p1"),
                within(5000, () -> app.ok("ip -6 addr show dev p1").contains("fc00:1::1/64")));
        assertTrue(routes(), within(5000, () -> routes().contains("fc00:8::/64 via fc00:1::2 dev p1 proto ospf metric 1024")));
        String shown = routes();
        assertTrue(shown, shown.contains("fc00:9::/64 via fc00:1::2 dev p1 proto static metric 1024"));
        assertTrue(shown, shown.contains("fc00:100::1 encap seg6local action End dev p1 proto boot metric 1024"));
        String sids = app.ok("srv6:sids");
        assertTrue(sids, sids.matches("(?s).*\\nfc00:100::1\\s+End\\s+active\\s.*"));
        String lcp = app.ok("lcp:stats");
        assertTrue(lcp, lcp.contains("netns " + cp.name() + ": following"));
        // the kernel's own connected route and link-local addresses are the appliance's own too: nothing refused
        assertTrue(lcp, lcp.matches("(?s).*messages \\d+ applied \\d+ refused 0 .*"));

        app.ok("srv6:config save " + app.home().resolve("etc/check.conf"));
        for (String f : new String[] {app.saved(), Files.readString(app.home().resolve("etc/check.conf"))}) {
            assertFalse(f, f.contains("fc00:9::") || f.contains("fc00:100::1") || f.contains("fc00:8::")
                    || f.contains("fc00:1::1"));
            assertTrue(f, f.contains("ip link add p1 type tap netns " + h.name()));
        }

        cp.sh("ip -6 route del fc00:9::/64 && ip -6 route del fc00:100::1/128 && ip nexthop del id 12"
                + " && ip -6 addr del fc00:1::1/64 dev p1");
        assertTrue(routes(), within(5000, () -> !routes().contains("fc00:9::") && !routes().contains("fc00:100::1")
                && !routes().contains("fc00:8::")));
        assertTrue(within(5000, () -> !app.ok("ip -6 addr show dev p1").contains("fc00:1::1/64")));
        assertFalse(app.ok("srv6:sids"), app.ok("srv6:sids").contains("fc00:100::1"));
    }

    /**
     * A SID whose behavior bundle is absent is held inactive (as at boot, and counted in
     * {@code lcp:stats}), and is active once the bundle is installed.
     */
    @Test
    public void aSidOfAnAbsentBehaviorIsHeldInactiveUntilTheBundleComes() throws Exception {
        start("");
        app.ok("feature:uninstall --keep-members srv6-all");
        app.ok("feature:uninstall srv6-behavior-end");
        assertTrue(within(10_000, () -> !app.ok("srv6:keywords").matches("(?s).*\\bEnd\\b(?!\\.).*")));
        cp.sh("ip -6 route add fc00:100::5/128 encap seg6local action End dev p1");
        assertTrue(app.ok("srv6:sids"), within(10_000,
                () -> app.ok("srv6:sids").matches("(?s).*\\nfc00:100::5\\s+End\\s+inactive\\s.*")));
        String stats = app.ok("lcp:stats");
        assertTrue(stats, stats.contains("held inactive: behavior End not installed"));
        assertFalse(stats, stats.contains("unknown behavior"));
        app.ok("feature:install srv6-behavior-end");
        assertTrue(app.ok("srv6:sids"), within(10_000,
                () -> app.ok("srv6:sids").matches("(?s).*\\nfc00:100::5\\s+End\\s+active\\s.*")));
        cp.sh("ip -6 route del fc00:100::5/128");
        assertTrue(app.ok("srv6:sids"), within(5000, () -> !app.ok("srv6:sids").contains("fc00:100::5")));
    }

    /** The kernel's routes of the burst's range, as the appliance prints them. */
    private List<String> kernelBurst() {
        List<String> out = new ArrayList<>();
        for (String l : cp.exec("ip", "-6", "route", "show").check().stdout().split("\n")) {
            if (l.startsWith("fc00:a")) {
                out.add(l.replace(" pref medium", "").trim());
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    private List<String> applianceBurst() {
        List<String> out = new ArrayList<>();
        for (String l : routes().split("\n")) {
            if (l.startsWith("fc00:a")) {
                out.add(l.trim());
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    @Test
    public void aBurstEndsWithTheKernelsTableAndARestartGetsItBack() throws Exception {
        start("");
        burst("default receive buffer", BURST);
    }

    /**
     * With a receive buffer of 4 KiB the burst overruns the socket (ENOBUFS): the follower dumps
     * again and still ends with the kernel's table.
     */
    @Test
    public void lostMessagesMakeItDumpAgainAndEndWithTheKernelsTable() throws Exception {
        start(" -Dsrv6.lcp.rcvbuf=4096");
        burst("receive buffer 4 KiB", SMALL_BURST);
        String stats = statsAfterBurst;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("resyncs (\\d+) overruns (\\d+)").matcher(stats);
        assertTrue(stats, m.find());
        assertTrue(stats, Long.parseLong(m.group(2)) > 0);
        assertTrue(stats, Long.parseLong(m.group(1)) > 1);
    }

    /**
     * A control namespace made after the start is followed from then on; once it is deleted the
     * appliance keeps what it learnt from it (and says so once).
     */
    @Test
    public void aNamespaceMadeLaterIsFollowedAndItsRoutesStayWhenItGoes() throws Exception {
        start("");
        Netns.host("ip", "netns", "add", late).check();
        Netns.run(10, List.of("ip", "netns", "exec", late, "sh", "-c",
                "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                + " && ip link add p1 type veth peer name p1peer && ip link set p1 up && ip link set p1peer up"
                + " && ip -6 addr add fc00:2::1/64 dev p1 nodad"
                + " && ip -6 route add fc00:77::/64 via fc00:2::2 dev p1 proto static")).check();
        assertTrue(routes(), within(10_000, () -> routes().contains("fc00:77::/64 via fc00:2::2 dev p1 proto static metric 1024")));
        assertTrue(app.ok("lcp:stats"), app.ok("lcp:stats").contains("netns " + late + ": following"));
        Netns.host("ip", "netns", "del", late).check();
        assertTrue(app.ok("lcp:stats"), within(10_000, () -> app.ok("lcp:stats").contains(
                "netns " + late + ": namespace gone; keeping the last known state")));
        assertTrue(routes(), routes().contains("fc00:77::/64 via fc00:2::2 dev p1 proto static metric 1024"));
        assertTrue(app.ok("ip -6 addr show dev p1").contains("fc00:2::1/64"));
    }

    /** {@code lcp:stats} once the burst was followed, before the restart. */
    private String statsAfterBurst;

    private void burst(String label, int count) throws Exception {
        cp.sh("ip -6 addr add fc00:1::1/64 dev p1 nodad");
        Path batch = Files.createTempFile("nl-burst", ".txt");
        try {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < count; i++) {
                sb.append(String.format("route add fc00:a%03x:%x::/64 via fc00:1::2 dev p1 proto static%n",
                        i >> 16, i & 0xffff));
            }
            Files.writeString(batch, sb);
            long start = System.nanoTime();
            cp.exec("ip", "-6", "-batch", batch.toString()).check();
            assertTrue("appliance has " + applianceBurst().size() + " of " + count,
                    within(120_000, () -> applianceBurst().size() == count));
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("lcp burst (%s): %d routes in %.2f s: %.0f routes/s%n", label, count, secs, count / secs);
            List<String> kernel = kernelBurst();
            assertEquals(count, kernel.size());
            assertEquals(kernel, applianceBurst());
            statsAfterBurst = app.ok("lcp:stats");

            // half go, in the kernel: the appliance follows
            sb.setLength(0);
            for (int i = 0; i < count; i += 2) {
                sb.append(String.format("route del fc00:a%03x:%x::/64%n", i >> 16, i & 0xffff));
            }
            Files.writeString(batch, sb);
            cp.exec("ip", "-6", "-batch", batch.toString()).check();
            assertTrue(within(60_000, () -> applianceBurst().size() == count / 2));
            assertEquals(kernelBurst(), applianceBurst());
            assertFalse(app.saved().contains("fc00:a"));

            // restart: nothing of it in the file, all of it back from the kernel
            assertEquals(0, app.srv6("stop").exitCode());
            app.boot();
            assertTrue("after restart the appliance has " + applianceBurst().size(),
                    within(60_000, () -> applianceBurst().size() == count / 2));
            assertEquals(kernelBurst(), applianceBurst());
            assertTrue(within(5000, () -> app.ok("ip -6 addr show dev p1").contains("fc00:1::1/64")));
            assertFalse(app.saved().contains("fc00:a"));
        } finally {
            Files.deleteIfExists(batch);
        }
    }
}
