package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * A routed domain of two appliances run by FRR: appliance A (namespace ra) and B (rb) are joined
 * by their ports ab and ba, TAPs moved into a link namespace and bridged there; host H1 is behind
 * A's port a1, H2 behind B's port b2. Each appliance mirrors its two ports into its own control
 * namespace (followed with {@code srv6.lcp.netns}), where the ports' addresses are configured with
 * plain {@code ip} and FRR's zebra and ospf6d run. OSPFv3 (hellos to ff02::5, punted; link-local
 * next hops) gives each appliance the route to the far host's prefix with {@code proto ospf}, and
 * H1 pings H2 through both; a SID typed with iproute2 in A's control namespace becomes active in
 * A; bringing A's mirror of ab down withdraws the routes from both appliances and the ping stops.
 */
public class ApplianceFrrIT {
    private static final Path ZEBRA = Path.of("/usr/lib/frr/zebra");
    private static final Path OSPF6D = Path.of("/usr/lib/frr/ospf6d");

    private final List<Netns> namespaces = new ArrayList<>();
    private final List<Appliance> appliances = new ArrayList<>();
    private final List<Frr> daemons = new ArrayList<>();
    private Path dir;
    /** Files ospf6d writes in FRR's run directory whatever its path space (removed when this test made them). */
    private static final List<Path> SHARED = List.of(Path.of("/var/run/frr/ospf6d-at-seq-no.dat"),
            Path.of("/var/run/frr/ospf6d-gr.json"));
    private final List<Path> made = new ArrayList<>();

    private Netns ra;
    private Netns rb;
    private Netns link;
    private Netns h1;
    private Netns h2;
    private Netns cpa;
    private Netns cpb;
    private Appliance a;
    private Appliance b;

    @Before
    public void setUp() throws IOException {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        assertTrue("FRR is installed (apt-get install frr)", Files.isExecutable(ZEBRA) && Files.isExecutable(OSPF6D));
        dir = Files.createTempDirectory("fr-frr-");
        for (Path p : SHARED) {
            if (!Files.exists(p)) {
                made.add(p);
            }
        }
        ra = ns("ra");
        rb = ns("rb");
        link = ns("l");
        h1 = ns("h1");
        h2 = ns("h2");
        cpa = ns("ca");
        cpb = ns("cb");
        for (Netns cp : new Netns[] {cpa, cpb}) {
            cp.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                    + " net.ipv6.conf.all.forwarding=1");
        }
        for (Netns h : new Netns[] {h1, h2}) {
            h.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
        }
        link.sh("ip link add br0 type bridge && ip link set br0 up");
    }

    private Netns ns(String suffix) {
        Netns n = Netns.create("fr", suffix);
        namespaces.add(n);
        return n;
    }

    /** Starts an appliance in {@code r} following control namespace {@code cp}. */
    private Appliance appliance(Netns r, Netns cp) throws IOException {
        Appliance app = Appliance.copy(r).javaOpts("-Dsrv6.lcp.netns=" + cp.name());
        appliances.add(app);
        app.boot();
        return app;
    }

    @After
    public void tearDown() throws IOException {
        for (Frr d : daemons) {
            d.kill();
        }
        for (Appliance app : appliances) {
            app.close();
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            namespaces.get(i).close();
            // the daemons' path space (-N), /var/run/frr/NAMESPACE
            Netns.host("rm", "-rf", "/var/run/frr/" + namespaces.get(i).name());
        }
        for (Path p : made) {
            Files.deleteIfExists(p);
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static boolean within(long millis, BooleanSupplier cond) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return cond.getAsBoolean();
    }

    /** A line of {@code ip -6 route show} for {@code prefix} with proto ospf through a gateway on {@code dev}. */
    private static final String ospfRoute(String prefix, String dev) {
        return "(?s)(.*\\n)?" + Pattern.quote(prefix) + " via (fe80|fc00)[0-9a-f:]* dev " + dev + " proto ospf metric \\d+\\s*(\\n.*)?";
    }

    private static String routes(Appliance app) {
        return app.ok("ip -6 route show");
    }

    @Test
    public void ospf6dRoutesTheAppliancesAndWithdrawsWhenTheLinkGoesDown() throws Exception {
        a = appliance(ra, cpa);
        b = appliance(rb, cpb);
        a.ok("ip link add a1 type tap netns " + h1.name());
        a.ok("ip link add ab type tap netns " + link.name());
        b.ok("ip link add b2 type tap netns " + h2.name());
        b.ok("ip link add ba type tap netns " + link.name());
        link.sh("ip link set ab master br0 && ip link set ba master br0 && ip link set ab up && ip link set ba up");
        h1.sh("ip link set a1 up && ip -6 addr add fc00:1::10/64 dev a1 nodad && ip -6 route add default via fc00:1::1");
        h2.sh("ip link set b2 up && ip -6 addr add fc00:2::10/64 dev b2 nodad && ip -6 route add default via fc00:2::1");

        for (String port : new String[] {"a1", "ab"}) {
            a.ok("srv6:lcp add " + port + " netns " + cpa.name());
        }
        for (String port : new String[] {"b2", "ba"}) {
            b.ok("srv6:lcp add " + port + " netns " + cpb.name());
        }
        cpa.sh("ip -6 addr add fc00:1::1/64 dev a1 nodad && ip -6 addr add fc00:12::1/64 dev ab nodad");
        cpb.sh("ip -6 addr add fc00:2::1/64 dev b2 nodad && ip -6 addr add fc00:12::2/64 dev ba nodad");
        assertTrue(a.ok("ip -6 addr show"), within(10_000, () -> a.ok("ip -6 addr show dev ab").contains("fc00:12::1/64")
                && a.ok("ip -6 addr show dev a1").contains("fc00:1::1/64")));
        assertTrue(b.ok("ip -6 addr show"), within(10_000, () -> b.ok("ip -6 addr show dev ba").contains("fc00:12::2/64")
                && b.ok("ip -6 addr show dev b2").contains("fc00:2::1/64")));

        long start = System.nanoTime();
        frr(cpa, "1.1.1.1", "a1", "ab");
        frr(cpb, "2.2.2.2", "b2", "ba");
        String toH2 = ospfRoute("fc00:2::/64", "ab");
        String toH1 = ospfRoute("fc00:1::/64", "ba");
        boolean converged = within(60_000, () -> routes(a).matches(toH2) && routes(b).matches(toH1));
        assertTrue("A: " + routes(a) + "\nB: " + routes(b) + "\ncontrol A: " + cpa.exec("ip", "-6", "route").stdout()
                + "\ncontrol B: " + cpb.exec("ip", "-6", "route").stdout() + a.logTail(20), converged);
        System.out.printf("FRR ospf6d: routes in both appliances %.1f s after the daemons started%n",
                (System.nanoTime() - start) / 1e9);
        String shown = routes(a);
        assertFalse("learnt, not the appliance's own: " + shown, a.ok("srv6:config show").contains("fc00:2::"));
        // the kernel of the control namespace holds the same route (a nexthop object), the appliance its gateway
        String kernel = cpa.exec("ip", "-6", "route", "show", "fc00:2::/64").check().stdout();
        Matcher gw = Pattern.compile("fc00:2::/64 via (\\S+) dev ab proto ospf").matcher(shown);
        assertTrue(shown, gw.find());
        assertTrue(kernel, kernel.contains("via " + gw.group(1) + " dev ab proto ospf"));

        Netns.Result ping = h1.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "fc00:2::10");
        assertEquals("H1 -> H2 through A and B: " + EndToEndHosts.explain(ping) + "\n" + a.ok("ip -6 neigh show")
                + a.logTail(20), 0, ping.exitCode());
        assertTrue(ping.stdout(), ping.stdout().contains("3 received"));

        // a SID typed with iproute2 in A's control namespace
        cpa.sh("ip -6 route add fc00:a::100/128 encap seg6local action End dev ab");
        assertTrue(a.ok("srv6:sids"), within(5000, () -> a.ok("srv6:sids").matches("(?s).*\\nfc00:a::100\\s+End\\s+active\\s.*")));

        // A's mirror of ab goes down: ospf6d and the kernel drop what went through it, so do both appliances
        cpa.sh("ip link set ab down");
        assertTrue(routes(a), within(30_000, () -> !routes(a).contains("fc00:2::/64")));
        assertTrue(routes(b), within(30_000, () -> !routes(b).contains("fc00:1::/64")));
        Netns.Result lost = h1.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", "fc00:2::10");
        assertTrue("no route, no ping: " + EndToEndHosts.explain(lost), lost.exitCode() != 0);
        assertTrue(lost.stdout(), lost.stdout().contains(" 0 received"));
    }

    /** Starts zebra and ospf6d in {@code cp}: router id {@code id}, {@code stub} passive, OSPF on {@code transit}. */
    private void frr(Netns cp, String id, String stub, String transit) throws IOException {
        Path d = Files.createDirectory(dir.resolve(cp.name()));
        Files.writeString(d.resolve("zebra.conf"), "hostname " + cp.name() + "\nlog file " + d.resolve("zebra.log") + "\n");
        Files.writeString(d.resolve("ospf6d.conf"), String.join("\n",
                "hostname " + cp.name(),
                "log file " + d.resolve("ospf6d.log"),
                "interface " + transit,
                " ipv6 ospf6 area 0.0.0.0",
                " ipv6 ospf6 hello-interval 1",
                " ipv6 ospf6 dead-interval 3",
                " ipv6 ospf6 retransmit-interval 1",
                " ipv6 ospf6 network point-to-point",
                "interface " + stub,
                " ipv6 ospf6 area 0.0.0.0",
                " ipv6 ospf6 passive",
                "router ospf6",
                " ospf6 router-id " + id,
                ""));
        Netns.host("chown", "-R", "frr:frr", dir.toString()).check();
        Netns.host("chmod", "755", dir.toString()).check();
        daemons.add(Frr.start(cp, d, ZEBRA, "zebra"));
        daemons.add(Frr.start(cp, d, OSPF6D, "ospf6d"));
    }

    /** An FRR daemon started in a namespace with its files in one directory; killed by its PID. */
    private record Frr(String name, Path dir, long pid) {
        static Frr start(Netns cp, Path d, Path bin, String name) {
            Path pidFile = d.resolve(name + ".pid");
            Netns.Result r = cp.exec(bin.toString(), "-d", "-N", cp.name(), "-u", "frr", "-g", "frr",
                    "-f", d.resolve(name + ".conf").toString(), "-i", pidFile.toString(),
                    "-z", d.resolve("zserv.api").toString(), "--vty_socket", d.toString());
            if (r.exitCode() != 0) {
                throw new IllegalStateException(name + " did not start: " + r.stderr() + r.stdout());
            }
            long end = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < end) {
                try {
                    String pid = Files.readString(pidFile).trim();
                    if (!pid.isEmpty()) {
                        return new Frr(name, d, Long.parseLong(pid));
                    }
                } catch (IOException | NumberFormatException e) {
                    // not written yet
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new IllegalStateException(name + " wrote no pid file " + pidFile);
        }

        void kill() {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
    }
}
