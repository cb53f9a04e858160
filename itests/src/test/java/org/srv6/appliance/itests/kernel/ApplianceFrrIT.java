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
 * A routed domain of three appliances in a line, run by FRR: appliances A, B and C (each in its own
 * namespace) are joined by their ports ab-ba and bc-cb, TAPs moved into a link namespace and
 * bridged there (one bridge per link); host H1 is behind A's port a1, H2 behind C's port c2. Each
 * appliance mirrors its ports into its own control namespace (followed with {@code srv6.lcp.netns}),
 * where the ports' addresses are configured with plain {@code ip} and FRR's zebra and ospf6d run.
 * OSPFv3 (hellos to ff02::5, punted; link-local next hops) gives each appliance the routes to the
 * far prefixes with {@code proto ospf}, and H1 pings H2 through the three; a SID typed with iproute2
 * in A's control namespace becomes active in A, one in B's is announced by ospf6d and H1 reaches H2
 * through it; bringing A's mirror of ab down withdraws the routes through that link from the three
 * appliances and the ping stops, bringing it up brings them back; stopping ospf6d in C's control
 * namespace withdraws C's OSPF routes (zebra deletes them from the kernel) and the others' to H2.
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

    private Netns link;
    private Netns h1;
    private Netns h2;

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
        link = ns("l");
        h1 = ns("h1");
        h2 = ns("h2");
        for (Netns h : new Netns[] {h1, h2}) {
            h.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
        }
        // one bridge per link between two appliances
        link.sh("ip link add br1 type bridge && ip link set br1 up && ip link add br2 type bridge && ip link set br2 up");
    }

    private Netns ns(String suffix) {
        Netns n = Netns.create("fr", suffix);
        namespaces.add(n);
        return n;
    }

    /** An appliance (namespace r{@code n}) following its control namespace c{@code n}. */
    private record Node(Appliance app, Netns cp) {
        String routes() {
            return app.ok("ip -6 route show");
        }
    }

    /** Starts an appliance in its namespace, following its own control namespace. */
    private Node node(String n) throws IOException {
        Netns r = ns("r" + n);
        Netns cp = ns("c" + n);
        cp.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.forwarding=1");
        Appliance app = Appliance.copy(r).javaOpts("-Dsrv6.lcp.netns=" + cp.name());
        appliances.add(app);
        app.boot();
        return new Node(app, cp);
    }

    /**
     * Makes {@code port} of {@code node}: a TAP into {@code peer} (enslaved to {@code bridge} there
     * when given), mirrored into the node's control namespace, with {@code address} given there.
     */
    private void port(Node node, String port, Netns peer, String bridge, String address) {
        node.app().ok("ip link add " + port + " type tap netns " + peer.name());
        if (bridge != null) {
            peer.sh("ip link set " + port + " master " + bridge + " && ip link set " + port + " up");
        }
        node.app().ok("srv6:lcp add " + port + " netns " + node.cp().name());
        node.cp().sh("ip -6 addr add " + address + " dev " + port + " nodad");
        assertTrue(node.app().ok("ip -6 addr show"),
                within(10_000, () -> node.app().ok("ip -6 addr show dev " + port).contains(address)));
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

    /** OSPF converges in tens of seconds: looked at every 200 ms (each look is a client call). */
    private static boolean within(long millis, BooleanSupplier cond) {
        return Poll.within(millis, 200, cond);
    }

    /** A line of {@code ip -6 route show} for {@code prefix} with proto ospf through a gateway on {@code dev}. */
    private static String ospfRoute(String prefix, String dev) {
        return "(?s)(.*\\n)?" + Pattern.quote(prefix) + " via (fe80|fc00)[0-9a-f:]* dev " + dev + " proto ospf metric \\d+\\s*(\\n.*)?";
    }

    @Test
    public void ospf6dRoutesTheAppliancesAndWithdrawsWhenALinkGoesDown() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Node c = node("c");
        port(a, "a1", h1, null, "fc00:1::1/64");
        port(a, "ab", link, "br1", "fc00:12::1/64");
        port(b, "ba", link, "br1", "fc00:12::2/64");
        port(b, "bc", link, "br2", "fc00:23::2/64");
        port(c, "cb", link, "br2", "fc00:23::3/64");
        port(c, "c2", h2, null, "fc00:2::1/64");
        h1.sh("ip link set a1 up && ip -6 addr add fc00:1::10/64 dev a1 nodad && ip -6 route add default via fc00:1::1");
        h2.sh("ip link set c2 up && ip -6 addr add fc00:2::10/64 dev c2 nodad && ip -6 route add default via fc00:2::1");

        // B's End SID, typed with iproute2 in its control namespace; ospf6d redistributes it (a kernel route)
        b.cp().sh("ip -6 route add fc00:b::100/128 encap seg6local action End dev ba");

        long start = System.nanoTime();
        frr(a.cp(), "1.1.1.1", List.of("a1"), List.of("ab"));
        frr(b.cp(), "2.2.2.2", List.of(), List.of("ba", "bc"));
        Frr ospfC = frr(c.cp(), "3.3.3.3", List.of("c2"), List.of("cb"));
        BooleanSupplier full = () -> a.routes().matches(ospfRoute("fc00:2::/64", "ab"))
                && a.routes().matches(ospfRoute("fc00:23::/64", "ab")) && a.routes().matches(ospfRoute("fc00:b::100", "ab"))
                && b.routes().matches(ospfRoute("fc00:1::/64", "ba")) && b.routes().matches(ospfRoute("fc00:2::/64", "bc"))
                && c.routes().matches(ospfRoute("fc00:1::/64", "cb")) && c.routes().matches(ospfRoute("fc00:12::/64", "cb"));
        boolean converged = within(60_000, full);
        assertTrue("A: " + a.routes() + "\nB: " + b.routes() + "\nC: " + c.routes() + "\ncontrol A: "
                + a.cp().exec("ip", "-6", "route").stdout() + a.app().logTail(20), converged);
        System.out.printf("FRR ospf6d: routes in the three appliances %.1f s after the daemons started%n",
                (System.nanoTime() - start) / 1e9);
        System.out.println("A: " + a.routes() + "B: " + b.routes() + "C: " + c.routes());
        for (Node n : new Node[] {a, b, c}) {
            // what zebra writes (nexthop objects, routes through them, its own deletions) is all taken
            String lcp = n.app().ok("lcp:stats");
            System.out.println(lcp);
            assertTrue(lcp, lcp.contains("netns " + n.cp().name() + ": following, 3 routes and 2 addresses learnt"));
            assertTrue(lcp, lcp.matches("(?s).*messages \\d+ applied \\d+ refused 0 .*"));
        }
        for (Node n : new Node[] {a, b, c}) {
            String conf = n.app().ok("srv6:config show");
            assertFalse("learnt, not saved: " + conf, conf.contains("fc00:1::") || conf.contains("fc00:2::"));
        }
        // the kernel of A's control namespace holds the same route (a nexthop object), the appliance its gateway
        Matcher gw = Pattern.compile("fc00:2::/64 via (\\S+) dev ab proto ospf").matcher(a.routes());
        assertTrue(a.routes(), gw.find());
        String kernel = a.cp().exec("ip", "-6", "route", "show", "fc00:2::/64").check().stdout();
        assertTrue(kernel, kernel.contains("nhid ") && kernel.contains("via " + gw.group(1) + " dev ab proto ospf"));

        Netns.Result ping = h1.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "fc00:2::10");
        assertEquals("H1 -> H2 through A, B and C: " + EndToEndHosts.explain(ping) + "\n" + a.app().ok("ip -6 neigh show")
                + a.app().logTail(20), 0, ping.exitCode());
        assertTrue(ping.stdout(), ping.stdout().contains("3 received"));

        // through B's End SID: H1 inserts an SRH (segments fc00:b::100, H2), B's End sends it on to H2
        h2.sh("sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.c2.seg6_enabled=1");
        h1.sh("ip -6 route add fc00:2::10/128 encap seg6 mode inline segs fc00:b::100 dev a1");
        long before = sidPackets(b.app(), "fc00:b::100");
        Netns.Result steered = h1.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "fc00:2::10");
        assertEquals("H1 -> B's End -> H2: " + EndToEndHosts.explain(steered) + b.app().ok("srv6:sids"), 0, steered.exitCode());
        assertEquals(b.app().ok("srv6:sids"), 3, sidPackets(b.app(), "fc00:b::100") - before);
        h1.sh("ip -6 route del fc00:2::10/128");

        // a SID typed with iproute2 in A's control namespace
        a.cp().sh("ip -6 route add fc00:a::100/128 encap seg6local action End dev ab");
        assertTrue(a.app().ok("srv6:sids"), within(5000,
                () -> a.app().ok("srv6:sids").matches("(?s).*\\nfc00:a::100\\s+End\\s+active\\s.*")));

        // A's mirror of ab goes down: ospf6d and the kernel drop what went through it, and so do the appliances
        a.cp().sh("ip link set ab down");
        assertTrue(a.routes(), within(30_000, () -> !a.routes().contains("fc00:2::/64")));
        assertTrue(b.routes(), within(30_000, () -> !b.routes().contains("fc00:1::/64")));
        assertTrue(c.routes(), within(30_000, () -> !c.routes().contains("fc00:1::/64")));
        assertTrue("B keeps its route to H2: " + b.routes(), b.routes().matches(ospfRoute("fc00:2::/64", "bc")));
        Netns.Result lost = h1.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", "fc00:2::10");
        assertTrue("no route, no ping: " + EndToEndHosts.explain(lost), lost.exitCode() != 0);
        assertTrue(lost.stdout(), lost.stdout().contains(" 0 received"));

        // up again (the kernel dropped the address with the link): the routes and the ping come back
        long again = System.nanoTime();
        a.cp().sh("ip link set ab up && ip -6 addr replace fc00:12::1/64 dev ab nodad");
        assertTrue("A: " + a.routes() + "\nB: " + b.routes() + "\nC: " + c.routes(), within(60_000, full));
        System.out.printf("FRR ospf6d: routes back %.1f s after the link came up%n", (System.nanoTime() - again) / 1e9);
        Netns.Result back = h1.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "fc00:2::10");
        assertEquals("H1 -> H2 again: " + EndToEndHosts.explain(back), 0, back.exitCode());

        // ospf6d stops in C's control namespace: zebra takes its routes out of the kernel there, and so
        // out of C; A and B drop the route to H2 after the dead interval
        ospfC.kill();
        assertTrue(c.routes(), within(30_000, () -> !c.routes().contains("proto ospf")));
        assertTrue(a.routes(), within(30_000, () -> !a.routes().contains("fc00:2::/64")));
        assertTrue(b.routes(), within(30_000, () -> !b.routes().contains("fc00:2::/64")));
        assertTrue("A keeps what B announces: " + a.routes(), a.routes().matches(ospfRoute("fc00:b::100", "ab")));
        Netns.Result stopped = h1.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", "fc00:2::10");
        assertTrue("no route, no ping: " + EndToEndHosts.explain(stopped), stopped.exitCode() != 0);
    }

    /** The PACKETS column of {@code srv6:sids} for {@code sid}. */
    private static long sidPackets(Appliance app, String sid) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sid) + "\\S*\\s+End\\s+active\\s+\\S+\\s+\\S+\\s+(\\d+)")
                .matcher(app.ok("srv6:sids"));
        if (!m.find()) {
            throw new AssertionError("no active " + sid + " in srv6:sids: " + app.ok("srv6:sids"));
        }
        return Long.parseLong(m.group(1));
    }

    /** Starts zebra and ospf6d in {@code cp}: router id {@code id}, the {@code stubs} passive, OSPF on the {@code transits}. */
    private Frr frr(Netns cp, String id, List<String> stubs, List<String> transits) throws IOException {
        Path d = Files.createDirectory(dir.resolve(cp.name()));
        Files.writeString(d.resolve("zebra.conf"), "hostname " + cp.name() + "\nlog file " + d.resolve("zebra.log") + "\n");
        StringBuilder conf = new StringBuilder("hostname " + cp.name() + "\nlog file " + d.resolve("ospf6d.log") + "\n");
        for (String transit : transits) {
            conf.append("interface ").append(transit).append("\n ipv6 ospf6 area 0.0.0.0\n ipv6 ospf6 hello-interval 1\n")
                    .append(" ipv6 ospf6 dead-interval 3\n ipv6 ospf6 retransmit-interval 1\n")
                    .append(" ipv6 ospf6 network point-to-point\n");
        }
        for (String stub : stubs) {
            conf.append("interface ").append(stub).append("\n ipv6 ospf6 area 0.0.0.0\n ipv6 ospf6 passive\n");
        }
        conf.append("router ospf6\n ospf6 router-id ").append(id).append("\n redistribute kernel\n");
        Files.writeString(d.resolve("ospf6d.conf"), conf);
        Netns.host("chown", "-R", "frr:frr", dir.toString()).check();
        Netns.host("chmod", "755", dir.toString()).check();
        daemons.add(Frr.start(cp, d, ZEBRA, "zebra"));
        Frr ospf6d = Frr.start(cp, d, OSPF6D, "ospf6d");
        daemons.add(ospf6d);
        return ospf6d;
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
