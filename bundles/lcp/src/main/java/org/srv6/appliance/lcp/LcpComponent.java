package org.srv6.appliance.lcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LoggerFactory;
import org.srv6.appliance.api.dataplane.AddressInfo;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.MirrorInfo;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.StatsSection;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * The netlink follower: the control namespaces named by {@code srv6.lcp.netns} (comma separated,
 * default {@code srv6-cp}) are followed and what their kernel holds on the interfaces that mirror
 * ports is applied through the core's services; {@code lcp:stats} shows what it did.
 */
@Component(immediate = true, service = {Object.class, StatsSection.class}, property = {
        "osgi.command.scope=lcp",
        "osgi.command.function=stats"})
public final class LcpComponent implements Mirror.Target, StatsSection {
    static final String PROPERTY = "srv6.lcp.netns";
    static final String DEFAULT_NETNS = "srv6-cp";
    /** The netlink socket's receive buffer in bytes (tests make it small to see overruns and resyncs). */
    static final String RCVBUF = "srv6.lcp.rcvbuf";

    @Reference
    private PortService ports;
    @Reference
    private AddressService addresses;
    @Reference
    private RouteService routes;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile NeighborService neighbors;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SrService sr;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LoggerFactory logs;

    private final LcpCounters counters = new LcpCounters();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MirrorService mirrors;

    private final PortMap portMap = new PortMap(name -> ports.get(name) != null, () -> {
        MirrorService m = mirrors;
        return m == null ? List.of() : m.list();
    });
    private final List<Follower> followers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Looks every second for namespaces that mirrors were made in ({@code srv6:lcp add … netns NS}) and follows them too. */
    private java.util.concurrent.ScheduledExecutorService mirrorWatch;
    private int rcvbuf = Follower.RCVBUF;
    private boolean closed;

    @Activate
    void activate(BundleContext bc) {
        String value = bc.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = DEFAULT_NETNS;
        }
        String rb = bc.getProperty(RCVBUF);
        if (rb != null && !rb.isBlank()) {
            try {
                rcvbuf = Integer.parseInt(rb.trim());
            } catch (NumberFormatException e) {
                info(RCVBUF + "=" + rb + " is not a number of bytes; " + Follower.RCVBUF + " taken");
            }
        }
        for (String ns : value.split(",")) {
            follow(ns.trim());
        }
        mirrorWatch = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "srv6-lcp-mirrors");
            t.setDaemon(true);
            return t;
        });
        mirrorWatch.scheduleWithFixedDelay(this::followMirrors, 0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Follows namespace {@code ns} unless it is followed already. */
    private synchronized void follow(String ns) {
        if (ns.isEmpty() || closed || followed(ns)) {
            return;
        }
        followers.add(new Follower(ns, this, counters, this::info, this::takes, rcvbuf).start());
    }

    private boolean followed(String ns) {
        for (Follower f : followers) {
            if (f.netns().equals(ns)) {
                return true;
            }
        }
        return false;
    }

    /** A namespace a mirror was made in is a control namespace: followed from then on. */
    private void followMirrors() {
        try {
            MirrorService m = mirrors;
            if (m == null) {
                return;
            }
            for (MirrorInfo mi : m.list()) {
                if (mi.netns() != null) {
                    follow(mi.netns());
                }
            }
        } catch (RuntimeException e) {
            info("lcp: cannot list the mirrors: " + e.getMessage());
        }
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true;
        if (mirrorWatch != null) {
            mirrorWatch.shutdownNow();
        }
        for (Follower f : followers) {
            f.close();
        }
        followers.clear();
    }

    /**
     * What decides which kernel routes the appliance can take: its port names and its behavior
     * keywords. When it changes (a port or a behavior bundle came or went), the follower compares
     * everything again, so a route refused for either is taken once it can be.
     */
    private List<String> takes() {
        List<String> out = new ArrayList<>();
        for (PortInfo p : ports.list()) {
            out.add(p.name());
        }
        SrService s = sr;
        if (s != null) {
            for (String k : s.keywords()) {
                out.add("behavior " + k);
            }
        }
        return out;
    }

    @Override
    public boolean installed(String keyword) {
        SrService s = sr;
        return s != null && s.keywords().contains(keyword);
    }

    @Override
    public PortMap ports() {
        return portMap;
    }

    @Override
    public void addAddress(String port, String cidr) throws Exception {
        addresses.add(port, cidr, "kernel");
    }

    @Override
    public boolean hasAddress(String port, String cidr) {
        for (AddressInfo a : addresses.list()) {
            if (a.port().equals(port) && a.text().equals(cidr)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void deleteAddress(String port, String cidr) throws Exception {
        addresses.delete(port, cidr);
    }

    @Override
    public void replaceRoute(RouteSpec spec) throws Exception {
        routes.replace(spec);
    }

    @Override
    public void deleteRoute(RouteSpec spec) throws Exception {
        routes.delete(spec);
    }

    @Override
    public void addNeighbor(String address, String mac, String port, String proto) throws Exception {
        neighbors().add(address, mac, port, proto);
    }

    @Override
    public void deleteNeighbor(String address, String port, String proto) throws Exception {
        neighbors().delete(address, port, proto);
    }

    private NeighborService neighbors() throws Exception {
        NeighborService n = neighbors;
        if (n == null) {
            throw new Exception("no neighbor service");
        }
        return n;
    }

    @Override
    public String section() {
        return "lcp";
    }

    /** {@code lcp:stats} (and the {@code lcp:} section of {@code srv6:stats}): each followed namespace, then the message counters and refusals by reason. */
    @Override
    @Descriptor("Show the Linux control plane follower: each control namespace, netlink messages applied, refused by reason, resyncs, neighbors")
    public String stats() {
        StringBuilder sb = new StringBuilder();
        for (Follower f : followers) {
            sb.append(String.format("netns %s: %s, %d routes and %d addresses learnt%n", f.netns(), f.state(),
                    f.learntRoutes(), f.learntAddresses()));
        }
        LcpCounters c = counters;
        sb.append(String.format("messages %d applied %d refused %d ignored %d malformed %d resyncs %d overruns %d%n",
                c.messages.sum(), c.applied.sum(), c.refusedTotal(), c.ignored.sum(), c.malformed.sum(),
                c.resyncs.sum(), c.overruns.sum()));
        int learnt = 0;
        for (Follower f : followers) {
            learnt += f.learntNeighbors();
        }
        sb.append(String.format("neighbors learnt %d applied %d removed %d ignored %d%n", learnt,
                c.neighborsApplied.sum(), c.neighborsRemoved.sum(), c.neighborsIgnored.sum()));
        long last = c.lastApplied;
        if (last != 0) {
            sb.append("last applied ").append(java.time.Instant.ofEpochMilli(last)).append('\n');
        }
        Map<String, Long> refused = c.refused();
        if (!refused.isEmpty()) {
            sb.append("refused:\n");
            refused.forEach((k, v) -> sb.append(String.format("  %-60s %d%n", k, v)));
        }
        Map<String, Long> notes = c.notes();
        if (!notes.isEmpty()) {
            sb.append("notes:\n");
            notes.forEach((k, v) -> sb.append(String.format("  %-60s %d%n", k, v)));
        }
        return sb.toString();
    }

    private void info(String message) {
        LoggerFactory f = logs;
        if (f != null) {
            f.getLogger("org.srv6.appliance.lcp").info(message);
        } else {
            System.err.println("srv6-lcp: INFO " + message);
        }
    }
}
