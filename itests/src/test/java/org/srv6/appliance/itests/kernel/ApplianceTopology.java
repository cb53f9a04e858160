package org.srv6.appliance.itests.kernel;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * H1 - appliance - H2: the appliance started in namespace R creates TAP ports r1 and r2
 * ({@code ip link add rN type tap} through {@code bin/srv6 client}); the netdevs are then moved
 * into the kernel host namespaces H1 and H2, which keep their names r1 and r2. Addressing is the
 * one of {@link KernelTopology}: appliance fc00:12::2/10.12.0.2 on r1 and fc00:23::2/10.23.0.2
 * on r2, H1 fc00:12::1/10.12.0.1, H2 fc00:23::3/10.23.0.3.
 */
public final class ApplianceTopology implements AutoCloseable {

    public final Netns r;
    public final Netns h1;
    public final Netns h2;
    public final Appliance app;
    public final byte[] h1Mac;
    public final byte[] h2Mac;
    public final byte[] appR1Mac;
    public final byte[] appR2Mac;

    /**
     * @param staticNeighbors when true the appliance and the hosts get static neighbor entries,
     *                        so that crafted frames need no NDP/ARP; when false both sides resolve
     *                        each other (NDP/ARP answered by the appliance)
     */
    public ApplianceTopology(String prefix, boolean staticNeighbors) throws IOException {
        this(prefix, staticNeighbors, home -> { });
    }

    /** As above, with {@code beforeBoot} given the appliance's home before it starts (e.g. to edit etc/). */
    public ApplianceTopology(String prefix, boolean staticNeighbors, java.util.function.Consumer<java.nio.file.Path> beforeBoot)
            throws IOException {
        this(prefix, staticNeighbors, beforeBoot, false);
    }

    /**
     * As above; with {@code packet} the ports are AF_PACKET ports instead of TAPs: veth pairs
     * v1-r1 and v2-r2 between R and the hosts, the appliance attached to v1 and v2
     * ({@code ip link add rN type packet dev vN}); the hosts see the same r1 and r2.
     */
    public ApplianceTopology(String prefix, boolean staticNeighbors, java.util.function.Consumer<java.nio.file.Path> beforeBoot,
            boolean packet) throws IOException {
        Netns rr = null;
        Netns n1 = null;
        Netns n2 = null;
        Appliance a = null;
        try {
            rr = Netns.create(prefix, "r");
            n1 = Netns.create(prefix, "h1");
            n2 = Netns.create(prefix, "h2");
            a = Appliance.copy(rr);
            if (packet) {
                a.javaOpts("-Dio.netty.leakDetection.level=paranoid"); // what leaks is reported in the log
            }
            beforeBoot.accept(a.home());
            a.boot();
            System.out.println("appliance ports in " + rr.name() + ": " + (packet ? "AF_PACKET on veths v1, v2" : "TAPs"));
            if (packet) {
                // R's ends carry nothing of the kernel's own: the appliance has them to itself
                rr.sh("ip link add v1 type veth peer name r1 netns " + n1.name()
                        + " && ip link add v2 type veth peer name r2 netns " + n2.name()
                        + " && sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 net.ipv6.conf.v2.disable_ipv6=1"
                        + " net.ipv4.conf.v1.forwarding=0 net.ipv4.conf.v2.forwarding=0");
                a.ok("ip link add r1 type packet dev v1");
                a.ok("ip link add r2 type packet dev v2");
            } else {
                a.ok("ip link add r1 type tap");
                a.ok("ip link add r2 type tap");
                rr.sh("ip link set r1 netns " + n1.name() + " && ip link set r2 netns " + n2.name());
            }
            for (Netns h : new Netns[] {n1, n2}) {
                h.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                        + " net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf.default.seg6_enabled=1"
                        + " net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0"
                        + " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0");
            }
            n1.sh("sysctl -qw net.ipv6.conf.r1.seg6_enabled=1 net.ipv4.conf.r1.rp_filter=0 && ip link set r1 up"
                    + " && ip -6 addr add fc00:12::1/64 dev r1 nodad && ip addr add 10.12.0.1/24 dev r1");
            n2.sh("sysctl -qw net.ipv6.conf.r2.seg6_enabled=1 net.ipv4.conf.r2.rp_filter=0 && ip link set r2 up"
                    + " && ip -6 addr add fc00:23::3/64 dev r2 nodad && ip addr add 10.23.0.3/24 dev r2");
            a.ok("ip link set r1 up");
            a.ok("ip link set r2 up");
            a.ok("ip -6 addr add fc00:12::2/64 dev r1");
            a.ok("ip -6 addr add fc00:23::2/64 dev r2");
            a.ok("ip -4 addr add 10.12.0.2/24 dev r1");
            a.ok("ip -4 addr add 10.23.0.2/24 dev r2");
            byte[] m1 = n1.mac("r1");
            byte[] m2 = n2.mac("r2");
            byte[] a1 = a.mac("r1");
            byte[] a2 = a.mac("r2");
            if (staticNeighbors) {
                a.ok("ip -6 neigh add fc00:12::1 lladdr " + KernelTopology.hex(m1) + " dev r1");
                a.ok("ip -6 neigh add fc00:23::3 lladdr " + KernelTopology.hex(m2) + " dev r2");
                a.ok("ip -4 neigh add 10.12.0.1 lladdr " + KernelTopology.hex(m1) + " dev r1");
                a.ok("ip -4 neigh add 10.23.0.3 lladdr " + KernelTopology.hex(m2) + " dev r2");
                n1.sh("ip -6 neigh replace fc00:12::2 lladdr " + KernelTopology.hex(a1) + " dev r1 nud permanent"
                        + " && ip neigh replace 10.12.0.2 lladdr " + KernelTopology.hex(a1) + " dev r1 nud permanent");
                n2.sh("ip -6 neigh replace fc00:23::2 lladdr " + KernelTopology.hex(a2) + " dev r2 nud permanent"
                        + " && ip neigh replace 10.23.0.2 lladdr " + KernelTopology.hex(a2) + " dev r2 nud permanent");
            }
            this.r = rr;
            this.h1 = n1;
            this.h2 = n2;
            this.app = a;
            this.h1Mac = m1;
            this.h2Mac = m2;
            this.appR1Mac = a1;
            this.appR2Mac = a2;
        } catch (IOException | RuntimeException | Error e) {
            String log = a == null ? "" : "\n" + a.logTail(40);
            closeQuietly(a, n1, n2, rr);
            if (e instanceof IllegalStateException) {
                throw new IllegalStateException(e.getMessage() + log, e);
            }
            throw e;
        }
    }

    /** Opens an AF_PACKET socket on H1's port r1. */
    public RawSocket h1Socket() {
        return RawSocket.open(h1, "r1");
    }

    /** Opens an AF_PACKET socket on H2's port r2. */
    public RawSocket h2Socket() {
        return RawSocket.open(h2, "r2");
    }

    private static final Pattern DROP_LINE = Pattern.compile("^\\s*(?:drop\\s+)?([a-z][a-z0-9-]*)\\s+(\\d+)\\s*$");

    /**
     * Drop-reason counters from {@code srv6:stats}: every line made of a lower-case label and one
     * number ({@code "  truncated   3"} or {@code "drop truncated 3"}); the per-port lines carry
     * several numbers and are not taken.
     */
    public Map<String, Long> dropCounters() {
        return parseDrops(app.ok("srv6:stats"));
    }

    static Map<String, Long> parseDrops(String stats) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : stats.split("\\R")) {
            Matcher x = DROP_LINE.matcher(line);
            if (x.matches()) {
                m.put(x.group(1), Long.parseLong(x.group(2)));
            }
        }
        return m;
    }

    /** Closes each of {@code cs} that is there, whatever the others do (test clean-up). */
    static void closeQuietly(AutoCloseable... cs) {
        for (AutoCloseable c : cs) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort cleanup
                }
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(app, h1, h2, r);
    }
}
