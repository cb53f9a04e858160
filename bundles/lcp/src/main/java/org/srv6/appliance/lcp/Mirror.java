package org.srv6.appliance.lcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteSpec;

/**
 * The control namespace as last read (links, addresses, nexthop objects, routes, static neighbors)
 * and what of it the appliance holds because of it (the learnt addresses, routes and neighbors). Each message updates the
 * view, then the appliance is brought to what the view says for what the message touched: a route
 * is replaced or deleted, an address added or deleted. After a dump (the first one, or a resync
 * after lost messages) everything is compared: what the appliance learnt and the kernel no longer
 * has goes. Not thread-safe: one follower thread drives it.
 */
public final class Mirror {
    /** What the appliance is changed through (its services), so that tests can watch. */
    public interface Target {
        PortMap ports();

        void addAddress(String port, String cidr) throws Exception;

        void deleteAddress(String port, String cidr) throws Exception;

        void replaceRoute(RouteSpec spec) throws Exception;

        void deleteRoute(RouteSpec spec) throws Exception;

        /** @return true when the port has the address already (typed in the shell: the operator's, not learnt) */
        default boolean hasAddress(String port, String cidr) {
            return false;
        }

        /** @return true when a behavior bundle provides the seg6local action or seg6 mode {@code keyword} */
        default boolean installed(String keyword) {
            return true;
        }

        /** Adds a static neighbor owned by control plane {@code proto} (never one typed in the shell). */
        default void addNeighbor(String address, String mac, String port, String proto) throws Exception {
            throw new UnsupportedOperationException("neighbors are not followed");
        }

        /** Deletes a static neighbor {@code proto} added (an entry typed in the shell stays). */
        default void deleteNeighbor(String address, String port, String proto) throws Exception {
            throw new UnsupportedOperationException("neighbors are not followed");
        }
    }

    /** A static neighbor the appliance was given: on its port, with its MAC and the owner it was given with. */
    record LearntNeigh(String port, String address, String mac, String proto) {
    }

    private final Target target;
    private final LcpCounters counters;
    private final Consumer<String> log;

    private final Map<Integer, String> links = new HashMap<>();
    private final Map<String, Rtnl.Addr> addrs = new LinkedHashMap<>();
    private final Map<Integer, Rtnl.Nexthop> nexthops = new HashMap<>();
    private final Map<String, Rtnl.Route> routes = new LinkedHashMap<>();
    /** "PORT CIDR" of each address the appliance took from the kernel. */
    private final Set<String> learntAddrs = new HashSet<>();
    private final Map<String, RouteSpec> learntRoutes = new HashMap<>();
    /** Routes the appliance refused (a behavior bundle still starting, a port not there yet): tried again. */
    private final Set<String> refusedByAppliance = new HashSet<>();
    /** The kernel's static neighbors (permanent or noarp, unicast, with a MAC), by "IFINDEX ADDRESS". */
    private final Map<String, Rtnl.Neigh> neighs = new LinkedHashMap<>();
    /** What the appliance was given for each of them, by the same key. */
    private final Map<String, LearntNeigh> learntNeighs = new HashMap<>();
    /** Neighbors the appliance refused (one typed in the shell has the address, no such port): tried again. */
    private final Set<String> refusedNeighs = new HashSet<>();
    /** True while a dump fills the view: nothing is applied until it ends. */
    private boolean dumping;

    /** @param log receives one line per refusal reason at its 1st, 10th, 100th… occurrence */
    public Mirror(Target target, LcpCounters counters, Consumer<String> log) {
        this.target = target;
        this.counters = counters;
        this.log = log;
    }

    /** The port mapping the view is applied with. */
    public PortMap ports() {
        return target.ports();
    }

    /** A dump starts: the view is emptied and filled again by the messages that follow. */
    public void beginDump() {
        dumping = true;
        links.clear();
        addrs.clear();
        nexthops.clear();
        routes.clear();
        neighs.clear();
    }

    /** The dump ended: the appliance is brought to the view, what it learnt and is gone is removed. */
    public void endDump() {
        dumping = false;
        reconcileAll();
    }

    public int learntRouteCount() {
        return learntRoutes.size();
    }

    public int learntAddressCount() {
        return learntAddrs.size();
    }

    public int learntNeighborCount() {
        return learntNeighs.size();
    }

    /**
     * True for a neighbor entry an operator or a daemon configured in the control namespace, which
     * the appliance takes as a static neighbor: PERMANENT or NOARP, of type unicast (the kernel's own
     * NOARP entries for multicast and broadcast addresses are of another type), not a proxy entry,
     * with a 6-byte MAC, to a unicast address. Learnt ones (REACHABLE, STALE, …) are not: the
     * appliance resolves its own neighbors with NDP and ARP.
     */
    static boolean configured(Rtnl.Neigh n) {
        if ((n.state() & (Rtnl.NUD_PERMANENT | Rtnl.NUD_NOARP)) == 0 || n.type() != Rtnl.RTN_UNICAST
                || (n.flags() & Rtnl.NTF_PROXY) != 0 || n.lladdr() == null || n.lladdr().length != 6) {
            return false;
        }
        byte[] d = n.dst();
        if (d.length == 16) {
            return (d[0] & 0xff) != 0xff;
        }
        int first = d[0] & 0xff;
        return first < 224 && !(first == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0);
    }

    private static String mac(byte[] m) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < m.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((m[i] >> 4) & 0xf, 16)).append(Character.forDigit(m[i] & 0xf, 16));
        }
        return sb.toString();
    }

    /** Applies one message. */
    public void handle(Rtnl.Msg m) {
        if (m instanceof Rtnl.Malformed bad) {
            counters.messages.increment();
            counters.malformed.increment();
            refuse("malformed message: " + bad.why());
            return;
        }
        if (m instanceof Rtnl.Link l) {
            counters.messages.increment();
            target.ports().invalidate(); // a mirror made or removed here comes with its link
            String old = l.add() ? links.put(l.index(), l.name()) : links.remove(l.index());
            if (!l.add()) {
                // the kernel does not always say what went with the link (IPv4 routes): forget it here
                addrs.values().removeIf(a -> a.index() == l.index());
                routes.values().removeIf(r -> r.nhId() == 0 && r.hops().stream().anyMatch(h -> h.oif() == l.index()));
                neighs.values().removeIf(n -> n.index() == l.index());
            }
            if (!dumping && (!l.add() || (old == null ? l.name() != null : !old.equals(l.name())))) {
                reconcileAll();
            }
            counters.applied();
        } else if (m instanceof Rtnl.Addr a) {
            counters.messages.increment();
            String key = a.index() + " " + RouteText.addr(a.address()) + "/" + a.prefixLen();
            if (a.add()) {
                addrs.put(key, a);
            } else {
                addrs.remove(key);
            }
            if (!dumping) {
                reconcileAddresses();
            }
        } else if (m instanceof Rtnl.Route r) {
            counters.messages.increment();
            String key = key(r);
            if (r.add()) {
                routes.put(key, r);
            } else {
                routes.remove(key);
            }
            if (!dumping) {
                reconcileRoute(key);
            }
        } else if (m instanceof Rtnl.Neigh n) {
            counters.messages.increment();
            String key = n.index() + " " + RouteText.addr(n.dst());
            boolean configured = configured(n);
            if (n.add() && configured) {
                neighs.put(key, n);
            } else if (neighs.remove(key) == null && n.add()) {
                // learnt by the kernel (REACHABLE, STALE…) or its own (multicast): the appliance resolves its own
                counters.neighborsIgnored.increment();
            } // else deleted, or no longer static (ip neigh change … nud reachable, FAILED on its way out)
            if (!dumping) {
                reconcileNeighbor(key);
            }
        } else if (m instanceof Rtnl.Nexthop nh) {
            counters.messages.increment();
            if (nh.add()) {
                nexthops.put(nh.id(), nh);
            } else {
                nexthops.remove(nh.id());
                for (Rtnl.Nexthop g : nexthops.values()) {
                    if (g.group() != null) {
                        for (int id : g.group()) {
                            if (id == nh.id()) {
                                counters.note("nexthop group lost a member");
                            }
                        }
                    }
                }
            }
            if (!dumping) {
                List<String> using = new ArrayList<>();
                routes.forEach((k, r) -> {
                    if (r.nhId() != 0) {
                        using.add(k);
                    }
                });
                for (String k : using) {
                    if (!nh.add() && routes.get(k).nhId() == nh.id()) {
                        routes.remove(k); // the kernel removes the routes of a deleted nexthop
                    }
                    reconcileRoute(k);
                }
                counters.applied();
            }
        }
    }

    private static String key(Rtnl.Route r) {
        return r.family() + " " + Integer.toUnsignedString(r.table()) + " " + RouteText.prefix(r);
    }

    /** Brings every address and route of the appliance to the view (ports may have come or gone). */
    public void reconcileAll() {
        target.ports().invalidate();
        reconcileAddresses();
        Set<String> nkeys = new HashSet<>(learntNeighs.keySet());
        nkeys.addAll(neighs.keySet());
        for (String k : nkeys) {
            reconcileNeighbor(k);
        }
        Set<String> keys = new HashSet<>(learntRoutes.keySet());
        keys.addAll(routes.keySet());
        for (String k : keys) {
            reconcileRoute(k);
        }
    }

    private void reconcileAddresses() {
        PortMap ports = target.ports();
        Map<String, String[]> want = new LinkedHashMap<>();
        for (Rtnl.Addr a : addrs.values()) {
            if (a.family() == 6 && (a.address()[0] & 0xff) == 0xfe && (a.address()[1] & 0xc0) == 0x80) {
                continue; // fe80::/10: the appliance makes its ports' link-local addresses from their MACs
            }
            String port = ports.port(links.get(a.index()));
            if (port == null) {
                continue; // an interface that mirrors no port (lo, …)
            }
            String cidr = RouteText.addr(a.address()) + "/" + a.prefixLen();
            want.put(port + " " + cidr, new String[] {port, cidr});
        }
        for (Iterator<String> it = learntAddrs.iterator(); it.hasNext();) {
            String k = it.next();
            if (!want.containsKey(k)) {
                String[] pc = k.split(" ");
                try {
                    target.deleteAddress(pc[0], pc[1]);
                    counters.applied();
                } catch (Exception e) {
                    refuse(reason(e)); // gone with its port, most likely: forgotten either way
                }
                it.remove();
            }
        }
        for (Map.Entry<String, String[]> e : want.entrySet()) {
            if (!learntAddrs.contains(e.getKey())) {
                if (target.hasAddress(e.getValue()[0], e.getValue()[1])) {
                    continue; // the same address typed in the appliance: it stays the operator's
                }
                try {
                    target.addAddress(e.getValue()[0], e.getValue()[1]);
                    learntAddrs.add(e.getKey());
                    counters.applied();
                } catch (Exception x) {
                    refuse(reason(x));
                }
            }
        }
    }

    /** Tries again the routes the appliance refused and the kernel still has; @return how many were tried */
    public int retryRefused() {
        int n = 0;
        if (!refusedNeighs.isEmpty()) {
            List<String> keys = new ArrayList<>(refusedNeighs);
            refusedNeighs.clear();
            for (String k : keys) {
                if (neighs.containsKey(k)) {
                    reconcileNeighbor(k);
                }
            }
            n = keys.size();
        }
        if (refusedByAppliance.isEmpty()) {
            return n;
        }
        List<String> keys = new ArrayList<>(refusedByAppliance);
        refusedByAppliance.clear();
        for (String k : keys) {
            if (routes.containsKey(k)) {
                reconcileRoute(k);
            }
        }
        return n + keys.size();
    }

    /** Brings the appliance's neighbor for kernel entry {@code key} ("IFINDEX ADDRESS") to the view. */
    private void reconcileNeighbor(String key) {
        Rtnl.Neigh n = neighs.get(key);
        LearntNeigh want = null;
        if (n != null) {
            String port = target.ports().port(links.get(n.index()));
            if (port != null) { // else an interface that mirrors no port: nothing of the appliance's
                want = new LearntNeigh(port, RouteText.addr(n.dst()), mac(n.lladdr()),
                        n.protocol() == 0 ? "kernel" : RouteText.proto(n.protocol()));
            }
        }
        LearntNeigh have = learntNeighs.get(key);
        if (want != null && want.equals(have)) {
            return;
        }
        if (have != null && (want == null || !want.port().equals(have.port()))) {
            try {
                target.deleteNeighbor(have.address(), have.port(), have.proto());
                counters.neighborsRemoved.increment();
                counters.applied();
            } catch (Exception e) {
                refuse(reason(e)); // gone with its port, most likely: forgotten either way
            }
            learntNeighs.remove(key);
        }
        refusedNeighs.remove(key);
        if (want != null) {
            try {
                target.addNeighbor(want.address(), want.mac(), want.port(), want.proto());
                learntNeighs.put(key, want);
                counters.neighborsApplied.increment();
                counters.applied();
            } catch (Exception e) {
                refusedNeighs.add(key);
                refuse(reason(e));
            }
        }
    }

    private void reconcileRoute(String key) {
        Rtnl.Route r = routes.get(key);
        RouteSpec want = null;
        if (r != null) {
            if (RouteText.ignored(r)) {
                counters.ignored.increment();
            } else {
                List<String> notes = new ArrayList<>(1);
                try {
                    String line = RouteText.line(r, links::get, nexthops, target.ports(), notes);
                    want = RouteGrammar.parse(line, r.family()).withProto(RouteText.proto(r.protocol()));
                    for (String n : notes) {
                        if (counters.note(n) == 1) {
                            log.accept("lcp: " + n + " (simplified)");
                        }
                    }
                } catch (RouteText.Refused e) {
                    refuse(e.getMessage());
                } catch (IllegalArgumentException e) {
                    refuse("not a route the appliance takes: " + e.getMessage());
                }
            }
        }
        RouteSpec have = learntRoutes.get(key);
        if (want != null) {
            if (want.equals(have)) {
                counters.applied();
                return;
            }
            try {
                target.replaceRoute(want);
                learntRoutes.put(key, want);
                refusedByAppliance.remove(key);
                counters.applied();
                if (want.keyword() != null && !target.installed(want.keyword())
                        && counters.note("held inactive: behavior " + want.keyword() + " not installed") == 1) {
                    log.accept("lcp: " + want.prefix() + " is held inactive until a bundle provides " + want.keyword());
                }
            } catch (Exception e) {
                refusedByAppliance.add(key);
                refuse(reason(e));
            }
        } else if (have != null) {
            try {
                target.deleteRoute(have);
                counters.applied();
            } catch (Exception e) {
                refuse(reason(e));
            }
            learntRoutes.remove(key);
        }
    }

    /** The reason of a refusal by the appliance: its one line up to the first ';' (what is wrong, not the list after). */
    private static String reason(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int semi = m.indexOf(';');
        return "appliance: " + (semi > 0 ? m.substring(0, semi) : m);
    }

    private void refuse(String reason) {
        long n = counters.refuse(reason);
        if (n == 1 || n == 10 || n == 100 || n == 1000 || n % 10000 == 0) {
            log.accept("lcp: refused (" + n + "x): " + reason);
        }
    }
}
