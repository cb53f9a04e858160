package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.SrhHmac;
import org.srv6.appliance.core.internal.engine.HmacKeys;
import org.srv6.appliance.core.internal.engine.PortState;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;
import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;

/**
 * Owns the way from the control plane's state to what the engine reads: the port states, the
 * ports behavior instances claim, the local and connected routes that addresses make, and the
 * FIB of every table.
 *
 * <p>The FIBs are long-lived and changed in place, one route at a time ({@link Fib6} lets one
 * writer change a table the loops read), so a route change costs the same at 10 or 1M routes.
 * Routes for the same prefix and table hang off one another by metric ({@link Route#next}); the
 * FIB holds the best. A new {@link Tables} is published only when the ports change or a table
 * appears. Called with the lock held.
 */
public final class SnapshotBuilder {
    private final ControlState state;
    private final Map<Integer, Fib6<Route>> fib6 = new TreeMap<>();
    private final Map<Integer, Fib4<Route>> fib4 = new TreeMap<>();
    private PortState[] ports = new PortState[0];
    /** The system routes now in the FIBs, by what makes them the same. */
    private Map<SystemKey, Route> system = new HashMap<>();
    /** The keys as last published, and what they were keyed from (a key set again is a new record). */
    private HmacKeys hmacKeys = HmacKeys.NONE;
    private Map<Integer, BehaviorContext.HmacKey> hmacKeyedFrom = Map.of();

    private record SystemKey(int family, int table, long hi, long lo, int v4, int len, int kind, int port, int metric) {
        static SystemKey of(Route r) {
            return new SystemKey(r.family, r.table, r.hi, r.lo, r.addr4, r.len, r.kind, r.port, r.metric);
        }
    }

    public SnapshotBuilder(ControlState state) {
        this.state = state;
    }

    /** The snapshot an engine starts with: no port, no route. */
    @SuppressWarnings("unchecked")
    public static Tables emptyTables() {
        return new Tables(new PortState[0], new int[0], new Fib6[0], new int[0], new Fib4[0]);
    }

    /** Publishes the ports (addresses, claims, settings) and brings the system routes in line with the addresses. */
    void publish() {
        int max = -1;
        for (PortCfg p : state.ports.values()) {
            max = Math.max(max, p.index());
        }
        PortState[] ps = new PortState[max + 1];
        Map<Integer, Route> claims = claims();
        for (PortCfg p : state.ports.values()) {
            List<Prefixes.Addr> v6 = p.addrs.stream().filter(a -> a.family() == 6).toList();
            List<Prefixes.Addr> v4 = p.addrs.stream().filter(a -> a.family() == 4).toList();
            long[] hi = new long[v6.size()];
            long[] lo = new long[v6.size()];
            int[] len6 = new int[v6.size()];
            for (int i = 0; i < hi.length; i++) {
                hi[i] = v6.get(i).hi();
                lo[i] = v6.get(i).lo();
                len6[i] = v6.get(i).len();
            }
            int[] a4 = new int[v4.size()];
            int[] l4 = new int[v4.size()];
            for (int i = 0; i < a4.length; i++) {
                a4[i] = v4.get(i).v4();
                l4[i] = v4.get(i).len();
            }
            long mac = p.io.mac();
            ps[p.index()] = new PortState(p.io, hi, lo, len6, PortState.LINK_LOCAL_HI, PortState.linkLocalLo(mac),
                    a4, l4, p.table, p.steer, p.hmacPolicy, p.icmp, claims.get(p.index()));
        }
        ports = ps;
        keyHmac();
        // new system routes in before the old ones go out, so that an unchanged one is never missing
        Map<SystemKey, Route> now = new HashMap<>();
        for (Route r : systemRoutes()) {
            SystemKey k = SystemKey.of(r);
            Route kept = system.remove(k);
            if (kept == null) {
                link(r);
                now.put(k, r);
            } else {
                now.put(k, kept);
            }
        }
        for (Route gone : system.values()) {
            unlink(gone);
        }
        system = now;
        publishTables();
    }

    @SuppressWarnings("unchecked")
    private void publishTables() {
        int[] ids6 = fib6.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[] ids4 = fib4.keySet().stream().mapToInt(Integer::intValue).toArray();
        state.engine.publish(new Tables(ports, ids6, fib6.values().toArray(new Fib6[0]), ids4,
                fib4.values().toArray(new Fib4[0]), hmacKeys));
    }

    /** Keys the HMAC keys again when {@code ip sr hmac set} changed them (keying hashes the secret). */
    private void keyHmac() {
        if (hmacKeyedFrom.equals(state.hmacKeys)) {
            return;
        }
        Map<Long, SrhHmac> keyed = new HashMap<>();
        state.hmacKeys.forEach((id, k) -> keyed.put(id & 0xffffffffL, new SrhHmac(k.algorithm(), k.secret(),
                id & 0xffffffffL)));
        hmacKeys = HmacKeys.of(keyed);
        hmacKeyedFrom = Map.copyOf(state.hmacKeys);
    }

    /** Puts a configured route into its table's FIB (behind a better one for the same prefix, if any). */
    void add(Route r) {
        if (link(r)) {
            publishTables();
        }
    }

    /** Takes a configured route out of its table's FIB; the next one for its prefix, if any, takes its place. */
    void remove(Route r) {
        unlink(r);
    }

    /** @return true once a route has been linked into this table (tables are never taken away, as in Linux) */
    boolean hasTable(int family, int table) {
        return family == 6 ? fib6.containsKey(table) : fib4.containsKey(table);
    }

    /** @return the best route for exactly this prefix in this table (configured or system), or null */
    Route exact(int family, int table, long hi, long lo, int v4, int len) {
        if (family == 6) {
            Fib6<Route> f = fib6.get(table);
            return f == null ? null : f.get(hi, lo, len);
        }
        Fib4<Route> f = fib4.get(table);
        return f == null ? null : f.get(v4, len);
    }

    /** @return true when the route made a new table */
    private boolean link(Route r) {
        int table = r.table;
        boolean created = false;
        Route head;
        if (r.family == 6) {
            Fib6<Route> f = fib6.get(table);
            if (f == null) {
                fib6.put(table, f = new Fib6<>());
                created = true;
            }
            head = f.get(r.hi, r.lo, r.len);
        } else {
            Fib4<Route> f = fib4.get(table);
            if (f == null) {
                fib4.put(table, f = new Fib4<>());
                created = true;
            }
            head = f.get(r.addr4, r.len);
        }
        if (head == null || r.metric < head.metric) {
            r.next = head;
            put(r, r);
        } else {
            Route p = head;
            while (p.next != null && p.next.metric <= r.metric) {
                p = p.next;
            }
            r.next = p.next;
            p.next = r;
        }
        return created;
    }

    private void unlink(Route r) {
        Route head = exact(r.family, r.table, r.hi, r.lo, r.addr4, r.len);
        if (head == r) {
            put(r, r.next);
        } else if (head != null) {
            Route p = head;
            while (p.next != null && p.next != r) {
                p = p.next;
            }
            if (p.next == r) {
                p.next = r.next;
            }
        }
        r.next = null;
    }

    /** Makes {@code best} (null: none) the FIB's route for {@code r}'s prefix. */
    private void put(Route r, Route best) {
        if (r.family == 6) {
            Fib6<Route> f = fib6.get(r.table);
            if (best == null) {
                f.remove(r.hi, r.lo, r.len);
            } else {
                f.add(r.hi, r.lo, r.len, best);
            }
        } else {
            Fib4<Route> f = fib4.get(r.table);
            if (best == null) {
                f.remove(r.addr4, r.len);
            } else {
                f.add(r.addr4, r.len, best);
            }
        }
    }

    /** True when the route's instance claims a port (its returning traffic), so the ports must be published. */
    static boolean claims(Route r) {
        BehaviorInstance inst = r.instance;
        if (r.kind != Route.SID || inst == null) {
            return false;
        }
        try {
            return inst.returnPort() >= 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The SID that claims each port (the first one configured wins). */
    private Map<Integer, Route> claims() {
        Map<Integer, Route> claims = new HashMap<>();
        for (Route r : state.routes.withBehavior()) {
            BehaviorInstance inst = r.instance;
            if (r.kind == Route.SID && inst != null) {
                int claimed;
                try {
                    claimed = inst.returnPort();
                } catch (RuntimeException e) {
                    claimed = -1;
                }
                if (claimed >= 0) {
                    claims.putIfAbsent(claimed, r);
                }
            }
        }
        return claims;
    }

    /** The system routes first, then the configured ones. */
    List<Route> allRoutes() {
        List<Route> all = new ArrayList<>();
        for (Route r : systemRoutes()) {
            all.add(system.getOrDefault(SystemKey.of(r), r));
        }
        state.routes.forEach(all::add);
        return all;
    }
    /** Local and connected routes that addresses make, as Linux adds them. */
    private List<Route> systemRoutes() {
        List<Route> out = new ArrayList<>();
        for (PortCfg p : state.ports.values()) {
            int idx = p.index();
            for (Prefixes.Addr a : p.addrs) {
                Prefixes.Parsed host;
                Prefixes.Parsed net;
                try {
                    host = Prefixes.prefix(a.host(), a.family());
                    net = Prefixes.prefix(a.text(), a.family());
                } catch (DataplaneException e) {
                    continue;
                }
                out.add(system(a.family(), host, Tables.LOCAL, Route.LOCAL, idx, 0));
                if (a.len() < (a.family() == 6 ? 128 : 32)) {
                    // a port bound to a table has its connected routes there, as a VRF's port has in Linux
                    out.add(system(a.family(), net, p.table, Route.UNICAST, idx, a.family() == 6 ? 256 : 0));
                }
            }
            byte[] b = Prefixes.linkLocal(p.io.mac());
            out.add(system(6, new Prefixes.Parsed(6, b, 128, PortState.LINK_LOCAL_HI, Ipv6.lo(b), 0,
                    InetAddrs.format6(b)), Tables.LOCAL, Route.LOCAL, idx, 0));
        }
        return out;
    }

    private static Route system(int family, Prefixes.Parsed p, int table, int kind, int port, int metric) {
        RouteSpec spec = new RouteSpec(family, p.text(), null, null, table, metric, null, null, null);
        return new Route(spec, kind, p.hi(), p.lo(), p.v4(), p.len(), false, 0, 0, 0, port, metric, true, null);
    }
}
