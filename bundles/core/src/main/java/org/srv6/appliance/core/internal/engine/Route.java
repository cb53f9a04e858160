package org.srv6.appliance.core.internal.engine;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.packet.InetAddrs;

/**
 * One route of a FIB: a plain route (via/dev), a local address, a SID (seg6local) or a steering
 * route (seg6). What was configured is immutable; the behavior instance of a SID or steering
 * route changes when its behavior bundle comes and goes, and is read by the event loops.
 *
 * <p>A table holds up to millions of plain routes, so a plain route keeps only what the engine
 * reads and what its text cannot be made again from: its spec is made when asked, its next hop
 * and port name are shared instances, and it has no counters (only behaviors count).
 */
public final class Route {
    public static final int UNICAST = 0;
    public static final int LOCAL = 1;
    public static final int SID = 2;
    public static final int STEER = 3;

    /** As configured (canonical); null for a compact plain route, whose {@link #spec()} is made from the fields. */
    private final RouteSpec spec;
    /** Next hop text and port name of a compact plain route (shared instances), else null. */
    private final String via;
    private final String dev;
    public final int table;
    /** Narrow fields: a million routes, each a few bytes smaller. */
    public final byte kind;
    public final byte family;
    /** Prefix as two longs (IPv6) or an int (IPv4, in {@link #addr4}). */
    public final long hi;
    public final long lo;
    public final int addr4;
    public final short len;
    public final boolean hasVia;
    public final long viaHi;
    public final long viaLo;
    public final int via4;
    /** Output (or dev) port index, -1 when none. */
    public final int port;
    public final int metric;
    /** Made by an address (local and connected routes): shown, never persisted. */
    public final boolean system;
    /**
     * The paths of a multipath route, null for one next hop (the fields above then name the first
     * path). The reference fits in the padding of this object's layout, so single-path routes do
     * not grow; only a multipath route has the arrays.
     */
    public final Multipath paths;
    /** Survive hot swap and {@code ip route replace}; null for a route without a behavior (nothing counts it). */
    public final SidCounters counters;

    /** Current behavior instance; null while the behavior is absent (SID inactive). */
    public volatile BehaviorInstance instance;
    /** Parsed configuration; null until the behavior has parsed the stored text. */
    public volatile BehaviorConfig config;
    /**
     * The next route for the same prefix and table, by metric: the FIB holds the best one and the
     * control plane keeps the others behind it. Only the control plane reads it.
     */
    public Route next;
    /** Neighbors in the control plane's list of configured routes, in the order they were added. */
    public Route prevAdded;
    public Route nextAdded;

    public Route(RouteSpec spec, int kind, long hi, long lo, int addr4, int len, boolean hasVia, long viaHi,
            long viaLo, int via4, int port, int metric, boolean system, SidCounters counters) {
        this(spec, null, null, spec.family(), spec.table(), kind, hi, lo, addr4, len, hasVia, viaHi, viaLo, via4, port,
                metric, system, counters, null);
    }

    /**
     * A multipath plain route: {@code spec} names its paths; the single-path fields are those of the
     * first path, for what looks at one next hop (a behavior's next-hop lookup, replies).
     */
    public static Route multipath(RouteSpec spec, long hi, long lo, int addr4, int len, int metric, Multipath paths) {
        return new Route(spec, null, null, spec.family(), spec.table(), UNICAST, hi, lo, addr4, len, paths.hasVia(0),
                paths.viaHi(0), paths.viaLo(0), paths.via4(0), paths.port(0), metric, false, null, paths);
    }

    private Route(RouteSpec spec, String via, String dev, int family, int table, int kind, long hi, long lo, int addr4,
            int len, boolean hasVia, long viaHi, long viaLo, int via4, int port, int metric, boolean system,
            SidCounters counters, Multipath paths) {
        this.spec = spec;
        this.via = via;
        this.dev = dev;
        this.table = table;
        this.kind = (byte) kind;
        this.family = (byte) family;
        this.hi = hi;
        this.lo = lo;
        this.addr4 = addr4;
        this.len = (short) len;
        this.hasVia = hasVia;
        this.viaHi = viaHi;
        this.viaLo = viaLo;
        this.via4 = via4;
        this.port = port;
        this.metric = metric;
        this.system = system;
        this.paths = paths;
        this.counters = counters != null ? counters : kind == SID || kind == STEER ? new SidCounters() : null;
    }

    /**
     * A configured plain route ({@code spec} has no encap) that does not keep {@code spec}: its
     * {@link #spec()} is made again from the prefix, {@code via} and {@code dev}, which the caller
     * passes as shared instances.
     */
    public static Route plain(RouteSpec spec, String via, String dev, long hi, long lo, int addr4, int len,
            boolean hasVia, long viaHi, long viaLo, int via4, int port, int metric, SidCounters counters) {
        if (spec.encap() != null || spec.keyword() != null || !spec.params().isEmpty()) {
            throw new IllegalArgumentException("route " + spec.prefix() + " has a behavior; expected a plain route");
        }
        return new Route(null, via, dev, spec.family(), spec.table(), UNICAST, hi, lo, addr4, len, hasVia, viaHi,
                viaLo, via4, port, spec.metric(), false, counters, null);
    }

    /** @return true when the route goes out {@code port} (on one of its paths) */
    public boolean uses(int port) {
        return this.port == port || (paths != null && paths.uses(port));
    }

    /** The route as configured (canonical prefix text, table and metric as in effect). */
    public RouteSpec spec() {
        RouteSpec s = spec;
        return s != null ? s : new RouteSpec(family, prefix(), via, dev, table, metric, null, null, List.of());
    }

    /** The next hop as typed, or null. */
    public String via() {
        RouteSpec s = spec;
        return s != null ? s.via() : via;
    }

    /** The seg6local action or seg6 mode, null for a plain route. */
    public String keyword() {
        RouteSpec s = spec;
        return s != null ? s.keyword() : null;
    }

    /** The canonical prefix text, as {@code ip route} prints it ({@code default} for length 0). */
    public String prefix() {
        RouteSpec s = spec;
        if (s != null) {
            return s.prefix();
        }
        if (len == 0) {
            return "default";
        }
        if (family == 6) {
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            return InetAddrs.format6(b) + (len == 128 ? "" : "/" + len);
        }
        return InetAddrs.format4(addr4) + (len == 32 ? "" : "/" + len);
    }

    /** True for SIDs and steering routes, whose work is done by a behavior instance. */
    public boolean hasBehavior() {
        return kind == SID || kind == STEER;
    }

    /**
     * Per-route packet counters, kept outside behavior instances so that they survive a swap (and
     * {@code ip route replace}). A proxy SID counts what comes back from its service
     * ({@code processReturn}) apart. With them, what a route with a behavior is while it has no
     * instance (plain routes, millions of them, have none of this).
     */
    public static final class SidCounters {
        /**
         * Why a packet is dropped while the route has no {@link Route#instance}: its behavior is
         * absent, or a port its behavior names is absent or claimed by another SID.
         */
        public volatile DropReason inactive = DropReason.BEHAVIOR_ABSENT;
        /** Why the SID waits, for the operator (e.g. {@code port s1 (oif) absent}), or null; control plane only. */
        public String waiting;
        /** True once an instance of the SID claimed a port: its counters are shown per direction; control plane only. */
        public boolean proxy;
        public final LongAdder packets = new LongAdder();
        public final LongAdder bytes = new LongAdder();
        public final LongAdder errors = new LongAdder();
        public final LongAdder fromPackets = new LongAdder();
        public final LongAdder fromBytes = new LongAdder();
        public final LongAdder fromErrors = new LongAdder();
    }
}
