package org.srv6.appliance.core.internal.engine;

import java.util.concurrent.atomic.LongAdder;

import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.dataplane.RouteSpec;

/**
 * One route of a FIB: a plain route (via/dev), a local address, a SID (seg6local) or a steering
 * route (seg6). What was configured is immutable; the behavior instance of a SID or steering
 * route changes when its behavior bundle comes and goes, and is read by the event loops.
 */
public final class Route {
    public static final int UNICAST = 0;
    public static final int LOCAL = 1;
    public static final int SID = 2;
    public static final int STEER = 3;

    public final RouteSpec spec;
    public final int kind;
    public final int family;
    /** Prefix as two longs (IPv6) or an int (IPv4, in {@link #addr4}). */
    public final long hi;
    public final long lo;
    public final int addr4;
    public final int len;
    public final boolean hasVia;
    public final long viaHi;
    public final long viaLo;
    public final int via4;
    /** Output (or dev) port index, -1 when none. */
    public final int port;
    public final int metric;
    /** Made by an address (local and connected routes): shown, never persisted. */
    public final boolean system;
    /** Survive hot swap and {@code ip route replace}. */
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

    public Route(RouteSpec spec, int kind, long hi, long lo, int addr4, int len, boolean hasVia, long viaHi,
            long viaLo, int via4, int port, int metric, boolean system, SidCounters counters) {
        this.spec = spec;
        this.kind = kind;
        this.family = spec.family();
        this.hi = hi;
        this.lo = lo;
        this.addr4 = addr4;
        this.len = len;
        this.hasVia = hasVia;
        this.viaHi = viaHi;
        this.viaLo = viaLo;
        this.via4 = via4;
        this.port = port;
        this.metric = metric;
        this.system = system;
        this.counters = counters == null ? new SidCounters() : counters;
    }

    /** True for SIDs and steering routes, whose work is done by a behavior instance. */
    public boolean hasBehavior() {
        return kind == SID || kind == STEER;
    }

    /** Per-route packet counters, kept outside behavior instances so that they survive a swap. */
    public static final class SidCounters {
        public final LongAdder packets = new LongAdder();
        public final LongAdder bytes = new LongAdder();
        public final LongAdder errors = new LongAdder();
    }
}
