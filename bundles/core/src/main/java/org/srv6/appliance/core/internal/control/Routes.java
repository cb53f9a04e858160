package org.srv6.appliance.core.internal.control;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.engine.Multipath;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;

/**
 * Owns the routes and tables ({@code ip route}): plain routes, SIDs ({@code seg6local}) and
 * transit routes ({@code seg6}), their checks when typed, and their iproute2 text.
 */
public final class Routes implements RouteService {
    private final ControlState state;
    private final BehaviorRegistry registry;
    private final SnapshotBuilder snapshot;

    public Routes(ControlState state, BehaviorRegistry registry, SnapshotBuilder snapshot) {
        this.state = state;
        this.registry = registry;
        this.snapshot = snapshot;
    }

    /** Builds a route from what was typed; checks everything that can be checked now. */
    private Route build(RouteSpec spec, Route replacing) throws DataplaneException {
        Route.SidCounters counters = replacing == null ? null : replacing.counters;
        int family = spec.family() == 4 ? 4 : 6;
        Prefixes.Parsed pf = Prefixes.prefix(spec.prefix(), family);
        int table = spec.table() <= 0 ? Tables.MAIN : spec.table();
        if (table > 0xfffffff) {
            throw new DataplaneException("table " + table + " out of range; expected 1.." + 0xfffffff);
        }
        int metric = spec.metric() > 0 ? spec.metric() : (family == 6 ? 1024 : 0);
        if (spec.multipath()) {
            return multipath(spec, family, pf, table, metric);
        }
        int port = -1;
        String dev = null;
        if (spec.dev() != null) {
            PortCfg p = state.port(spec.dev());
            port = p.index();
            dev = p.name(); // one instance per port, not one per route
        }
        boolean hasVia = spec.via() != null;
        long viaHi = 0;
        long viaLo = 0;
        int via4 = 0;
        if (hasVia) {
            if (spec.encap() != null) {
                throw new DataplaneException("via and encap together are not supported; put the next hop in the behavior (nh6/nh4)");
            }
            Prefixes.Addr v = Prefixes.parseCidr(spec.via(), 128, 32);
            if (v.family() != family) {
                throw new DataplaneException("gateway " + spec.via() + " is not IPv" + family);
            }
            if (family == 6) {
                viaHi = v.hi();
                viaLo = v.lo();
            } else {
                via4 = v.v4();
            }
            if (port < 0) {
                Tables t = state.engine.tables();
                Route r = family == 6 ? t.lookup6(table, viaHi, viaLo) : t.lookup4(table, via4);
                if (r == null || r.kind != Route.UNICAST || r.hasVia) {
                    throw new DataplaneException("gateway " + spec.via() + " is not on a connected subnet; add an address on its subnet or give dev PORT");
                }
                port = r.port;
            }
        }
        int kind = Route.UNICAST;
        String keyword = spec.keyword();
        if (spec.encap() == null) {
            if (!hasVia && port < 0) {
                throw new DataplaneException("route " + pf.text() + " needs via ADDRESS or dev PORT");
            }
        } else if (RouteSpec.SEG6LOCAL.equals(spec.encap())) {
            if (family != 6) {
                throw new DataplaneException("encap seg6local needs an IPv6 SID; use ip -6 route add SID encap seg6local ...");
            }
            kind = Route.SID;
        } else if (RouteSpec.SEG6.equals(spec.encap())) {
            kind = Route.STEER;
        } else {
            throw new DataplaneException("unknown encap " + spec.encap() + "; expected seg6 or seg6local");
        }
        if (keyword == null && kind != Route.UNICAST) {
            throw new DataplaneException(kind == Route.SID ? "missing action; expected encap seg6local action ACTION"
                    : "missing mode; expected encap seg6 mode MODE");
        }
        // texts that repeat over many routes are shared instances: next hops, port names, keywords
        String via = hasVia ? spec.via().intern() : null;
        String encap = kind == Route.SID ? RouteSpec.SEG6LOCAL : kind == Route.STEER ? RouteSpec.SEG6 : null;
        RouteSpec canonical = new RouteSpec(family, pf.text(), via, dev, table, metric, encap,
                keyword == null ? null : keyword.intern(), spec.params(),
                spec.proto() == null ? null : spec.proto().intern());
        // a learnt route keeps its spec (its proto); a typed plain route is compact
        Route r = kind == Route.UNICAST && canonical.proto() == null
                ? Route.plain(canonical, via, dev, pf.hi(), pf.lo(), pf.v4(), pf.len(),
                        hasVia, viaHi, viaLo, via4, port, metric, counters)
                : new Route(canonical, kind, pf.hi(), pf.lo(), pf.v4(), pf.len(), hasVia, viaHi, viaLo, via4, port,
                        metric, false, counters);
        if (r.hasBehavior()) {
            String kindName = kind == Route.SID ? "ENDPOINT" : "TRANSIT";
            Provider p = registry.active(keyword);
            if (p == null || !p.kind().equals(kindName)) {
                // typed in the shell: refused; replayed at boot, or learnt from a control plane
                // (which does not know what is installed here): held inactive until the bundle comes
                if (!state.replaying && canonical.proto() == null) {
                    throw new DataplaneException(kind == Route.SID
                            ? "unknown behavior " + keyword + "; installed: " + registry.installed("ENDPOINT")
                            : "unknown mode " + keyword + "; installed: " + registry.installed("TRANSIT"));
                }
            } else {
                // at boot a port the behavior names may come later: the SID waits for it, inactive
                registry.instantiate(r, p, state.replaying, replacing);
            }
        }
        return r;
    }

    /**
     * A multipath route: each path's port and gateway checked as a single path's are (a gateway
     * without dev must be on a connected subnet), then the paths as one immutable {@link Multipath}.
     */
    private Route multipath(RouteSpec spec, int family, Prefixes.Parsed pf, int table, int metric)
            throws DataplaneException {
        if (spec.encap() != null || spec.via() != null || spec.dev() != null) {
            throw new DataplaneException("route " + pf.text() + ": a multipath route is a plain unicast route; give"
                    + " each path as nexthop via NH dev PORT [weight W]");
        }
        List<RouteSpec.Nexthop> hops = spec.nexthops();
        int n = hops.size();
        if (n > RouteGrammar.MAX_PATHS) {
            throw new DataplaneException(n + " nexthops; at most " + RouteGrammar.MAX_PATHS + " paths in a route");
        }
        int[] ports = new int[n];
        boolean[] hasVia = new boolean[n];
        long[] viaHi = new long[n];
        long[] viaLo = new long[n];
        int[] via4 = new int[n];
        int[] weights = new int[n];
        List<RouteSpec.Nexthop> canonical = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RouteSpec.Nexthop h = hops.get(i);
            if (h.weight() < 1 || h.weight() > 256) {
                throw new DataplaneException("invalid weight " + h.weight() + "; expected a number from 1 to 256");
            }
            weights[i] = h.weight();
            ports[i] = -1;
            String dev = null;
            if (h.dev() != null) {
                PortCfg p = state.port(h.dev());
                ports[i] = p.index();
                dev = p.name();
            }
            if (h.via() != null) {
                Prefixes.Addr v = Prefixes.parseCidr(h.via(), 128, 32);
                if (v.family() != family) {
                    throw new DataplaneException("gateway " + h.via() + " is not IPv" + family);
                }
                hasVia[i] = true;
                if (family == 6) {
                    viaHi[i] = v.hi();
                    viaLo[i] = v.lo();
                } else {
                    via4[i] = v.v4();
                }
                if (ports[i] < 0) {
                    Tables t = state.engine.tables();
                    Route r = family == 6 ? t.lookup6(table, viaHi[i], viaLo[i]) : t.lookup4(table, via4[i]);
                    if (r == null || r.kind != Route.UNICAST || r.hasVia) {
                        throw new DataplaneException("gateway " + h.via() + " is not on a connected subnet; add an"
                                + " address on its subnet or give dev PORT");
                    }
                    ports[i] = r.port;
                    PortCfg p = state.portByIndex(r.port);
                    dev = p == null ? null : p.name();
                }
            }
            if (ports[i] < 0) {
                throw new DataplaneException("nexthop of " + pf.text() + " needs via ADDRESS or dev PORT");
            }
            canonical.add(new RouteSpec.Nexthop(h.via() == null ? null : h.via().intern(), dev, h.weight()));
        }
        RouteSpec c = new RouteSpec(family, pf.text(), null, null, table, metric, null, null, List.of(),
                spec.proto() == null ? null : spec.proto().intern(), canonical);
        return Route.multipath(c, pf.hi(), pf.lo(), pf.v4(), pf.len(), metric,
                new Multipath(ports, hasVia, viaHi, viaLo, via4, weights));
    }

    /** The configured route for the spec's prefix and table (and metric, when given and asked for), or null. */
    private Route find(RouteSpec spec, boolean matchMetric) throws DataplaneException {
        int family = spec.family() == 4 ? 4 : 6;
        Prefixes.Parsed pf = Prefixes.prefix(spec.prefix(), family);
        int table = spec.table() <= 0 ? Tables.MAIN : spec.table();
        return find(family, table, pf.hi(), pf.lo(), pf.v4(), pf.len(), matchMetric ? spec.metric() : 0);
    }

    /** The configured route for the prefix in the table with {@code metric} (0: any), or null. */
    private Route find(int family, int table, long hi, long lo, int v4, int len, int metric) {
        for (Route r = snapshot.exact(family, table, hi, lo, v4, len); r != null; r = r.next) {
            if (!r.system && (metric == 0 || r.metric == metric)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void add(RouteSpec spec) throws DataplaneException {
        synchronized (state.lock) {
            Route r = build(spec, null);
            Route same = find(r.family, r.table, r.hi, r.lo, r.addr4, r.len, r.metric);
            if (same != null && same.metric == r.metric) {
                BehaviorRegistry.closeQuietly(r.instance);
                throw new DataplaneException(r.prefix() + " exists in table " + Prefixes.tableName(r.table)
                        + " with metric " + r.metric + "; use ip route replace");
            }
            state.routes.add(r);
            snapshot.add(r);
            state.routeChanged(r, () -> "ip -" + r.family + " route add " + text(r, true));
        }
    }

    @Override
    public void replace(RouteSpec spec) throws DataplaneException {
        synchronized (state.lock) {
            Route old = find(new RouteSpec(spec.family(), spec.prefix(), null, null, spec.table(), 0, null, null,
                    null), false);
            Route r = build(spec, old);
            state.routes.add(r);
            snapshot.add(r); // in before the old one goes out: the prefix is never without a route
            if (old != null) {
                state.routes.remove(old);
                snapshot.remove(old);
            }
            state.routeChanged(r, () -> "ip -" + r.family + " route replace " + text(r, true));
            if (old != null && !learnt(old) && learnt(r)) {
                state.changed(); // a route of the file is now the control plane's: the file drops it
            }
            if (old != null) {
                if (SnapshotBuilder.claims(old)) {
                    registry.retryWaiting(); // a port it claimed and r does not is free for a SID waiting for it
                    state.publish();
                }
                registry.retire(old.instance);
            }
        }
    }

    @Override
    public void delete(RouteSpec spec) throws DataplaneException {
        synchronized (state.lock) {
            Route r = find(spec, true);
            if (r == null) {
                throw new DataplaneException("no route " + Prefixes.prefix(spec.prefix(), spec.family()).text()
                        + " in table " + Prefixes.tableName(spec.table() <= 0 ? Tables.MAIN : spec.table()));
            }
            state.routes.remove(r);
            snapshot.remove(r);
            if (SnapshotBuilder.claims(r)) {
                registry.retryWaiting(); // the port it claimed is free for a SID waiting for it
            }
            state.routeChanged(r, () -> "ip -" + r.family + " route del " + r.prefix()
                    + (r.table != Tables.MAIN ? " table " + Prefixes.tableName(r.table) : "")
                    + " metric " + r.metric);
            registry.retire(r.instance);
        }
    }

    @Override
    public List<RouteInfo> list(int family, int table) {
        synchronized (state.lock) {
            List<RouteInfo> out = new ArrayList<>();
            for (Route r : snapshot.allRoutes()) {
                if (r.family != family || (table != ALL_TABLES && r.table != table)) {
                    continue;
                }
                if (table == Tables.MAIN && r.table != Tables.MAIN) {
                    continue;
                }
                Route.SidCounters c = r.counters;
                out.add(c == null ? new RouteInfo(r.spec(), text(r, table == ALL_TABLES, true), true, 0, 0, 0)
                        : new RouteInfo(r.spec(), text(r, table == ALL_TABLES, true), r.instance != null,
                                c.packets.sum(), c.bytes.sum(), c.errors.sum(), c.proxy, c.fromPackets.sum(),
                                c.fromBytes.sum(), c.fromErrors.sum()));
            }
            return out;
        }
    }

    @Override
    public boolean hasTable(int family, int table) {
        synchronized (state.lock) {
            return table == Tables.MAIN || table == Tables.LOCAL || snapshot.hasTable(family, table);
        }
    }

    /** The iproute2-shaped line for a route, pasteable after {@code ip -6 route add} (the shared grammar prints it). */
    private String text(Route r, boolean withTable) {
        return text(r, withTable, false);
    }

    /** {@link #text(Route, boolean)}, a multipath route's paths each on a line as show prints them when {@code lines}. */
    private String text(Route r, boolean withTable, boolean lines) {
        PortCfg dev = state.portByIndex(r.port);
        String params = r.hasBehavior() ? params(r) : "";
        Multipath m = r.paths;
        List<RouteSpec.Nexthop> hops = null;
        if (m != null) {
            hops = new ArrayList<>(m.size());
            List<RouteSpec.Nexthop> typed = r.spec().nexthops();
            for (int i = 0; i < m.size(); i++) {
                PortCfg p = state.portByIndex(m.port(i));
                hops.add(new RouteSpec.Nexthop(typed.get(i).via(), p == null ? null : p.name(), m.weight(i)));
            }
        }
        RouteSpec shown = new RouteSpec(r.family, r.prefix(), m != null ? null : r.via(),
                m != null || dev == null ? null : dev.name(),
                r.table, r.metric, r.hasBehavior() ? r.spec().encap() : null, r.keyword(),
                params.isEmpty() ? List.of() : List.of(params), null, hops);
        String scope = null;
        String src = null;
        if (r.system && r.family == 4 && r.kind == Route.UNICAST) {
            scope = "link";
            if (dev != null) {
                src = dev.addrs.stream().filter(a -> a.family() == 4).findFirst().map(Prefixes.Addr::host).orElse(null);
            }
        }
        RouteGrammar.Shown words = new RouteGrammar.Shown(r.kind == Route.LOCAL ? "local" : null, withTable,
                r.system ? "kernel" : r.spec().proto(), scope, src);
        return lines ? RouteGrammar.show(shown, words) : RouteGrammar.print(shown, words);
    }

    /** The canonical parameter text once the behavior has parsed it, else the text as stored. */
    static String params(Route r) {
        BehaviorConfig c = r.config;
        return c != null ? c.text() : String.join(" ", r.spec().params());
    }

    /** True for a route a control plane owns ({@code proto}): not in the running configuration. */
    static boolean learnt(Route r) {
        return r.spec().proto() != null;
    }

    /** The running configuration's {@code ip route add} lines: plain routes, then SIDs, then transit routes. */
    void runningLines(Consumer<String> out) {
        for (int pass = 0; pass < 3; pass++) {
            for (Route r : state.routes) {
                int order = r.kind == Route.SID ? 1 : r.kind == Route.STEER ? 2 : 0;
                if (order != pass || learnt(r)) {
                    continue;
                }
                if (!state.persistent(r)) {
                    continue;
                }
                out.accept("ip -" + r.family + " route add " + text(r, true));
            }
        }
    }
}
