package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.engine.PortState;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;
import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;

/**
 * Owns the way from the control plane's state to the engine's immutable {@link Tables}: the port
 * states, the ports behavior instances claim, the FIBs per table, and the local and connected
 * routes that addresses make. Called with the lock held; the engine swaps the snapshot atomically.
 */
public final class SnapshotBuilder {
    private final ControlState state;

    public SnapshotBuilder(ControlState state) {
        this.state = state;
    }

    /** The snapshot an engine starts with: no port, no route. */
    @SuppressWarnings("unchecked")
    public static Tables emptyTables() {
        return new Tables(new PortState[0], new int[0], new Fib6[0], new int[0], new Fib4[0]);
    }

    @SuppressWarnings("unchecked")
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
                    a4, l4, Tables.MAIN, p.steer, p.hmacPolicy, p.icmp, claims.get(p.index()));
        }
        Map<Integer, Fib6<Route>> f6 = new TreeMap<>();
        Map<Integer, Fib4<Route>> f4 = new TreeMap<>();
        for (Route r : allRoutes()) {
            int table = r.spec.table();
            if (r.family == 6) {
                Fib6<Route> f = f6.computeIfAbsent(table, k -> new Fib6<>());
                Route cur = f.get(r.hi, r.lo, r.len);
                if (cur == null || r.metric < cur.metric) {
                    f.add(r.hi, r.lo, r.len, r);
                }
            } else {
                Fib4<Route> f = f4.computeIfAbsent(table, k -> new Fib4<>());
                Route cur = f.get(r.addr4, r.len);
                if (cur == null || r.metric < cur.metric) {
                    f.add(r.addr4, r.len, r);
                }
            }
        }
        int[] ids6 = f6.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[] ids4 = f4.keySet().stream().mapToInt(Integer::intValue).toArray();
        state.engine.publish(new Tables(ps, ids6, f6.values().toArray(new Fib6[0]), ids4,
                f4.values().toArray(new Fib4[0])));
    }

    /** The SID that claims each port (the first one configured wins). */
    private Map<Integer, Route> claims() {
        Map<Integer, Route> claims = new HashMap<>();
        for (Route r : state.routes) {
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
        List<Route> all = new ArrayList<>(systemRoutes());
        all.addAll(state.routes);
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
                    out.add(system(a.family(), net, Tables.MAIN, Route.UNICAST, idx, a.family() == 6 ? 256 : 0));
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
