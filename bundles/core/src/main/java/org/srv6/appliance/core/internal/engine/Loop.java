package org.srv6.appliance.core.internal.engine;

import java.util.concurrent.atomic.LongAdder;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.core.internal.io.IoPort;

/**
 * The state of one event loop, shared by the stages a frame passes through on it: the packet
 * context (whose {@code buf} field says who owns the frame), the ingress port, scratch fields,
 * and the drop bookkeeping every stage ends with. Touched only by its own loop.
 */
final class Loop {
    final PacketContext ctx = new PacketContext();
    /** The route lookups behaviors make, in {@code ctx.routes}. */
    final LoopRoutes routes = new LoopRoutes();
    /** The port the frame arrived on (null for frames the appliance made for a port now gone). */
    IoPort in;
    /**
     * The ingress port's mirror in a control namespace ({@code srv6:lcp}), read once per frame;
     * null when it has none or once the frame went through a behavior (it is not the frame the
     * port received any more).
     */
    org.srv6.appliance.core.internal.io.Mirror mirror;
    /** Upper-layer protocol found by {@link LocalDelivery#upperLayer}. */
    final int[] nh = new int[1];
    /** Neighbor key of the next hop a verdict named (see {@link Forwarder#nextHop}). */
    long nhHi;
    long nhLo;
    /** The SID or steering route whose instance runs now, for the log line of a failure; null outside one. */
    Route route;
    /** The engine's drop counters, one per {@link DropReason}. */
    private final LongAdder[] drops;

    Loop(LongAdder[] drops) {
        this.drops = drops;
        ctx.routes = routes;
    }

    /** Counts a drop against the reason and the ingress port; the frame stays where it is. */
    void count(DropReason reason) {
        drops[reason.ordinal()].increment();
        if (in != null) {
            in.rxDropped.increment();
        }
    }

    /** Counts under the reason only (the packet itself was handled, e.g. an ICMP error not sent). */
    void tally(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    /** Counts a drop and frees the frame. */
    void drop(DropReason reason) {
        count(reason);
        release();
    }

    /** Frees the frame this loop owns, if any. */
    void release() {
        PacketContext c = ctx;
        if (c.buf != null) {
            c.buf.release();
            c.buf = null;
        }
    }
}
