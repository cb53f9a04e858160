package org.srv6.appliance.core.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.core.internal.io.FrameHandler;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.Mirror;
import org.srv6.appliance.core.internal.log.RateLimitedLog;

/**
 * The packet path as the control plane sees it: the {@link FrameHandler} of the runtime, the
 * published {@link Tables}, the drop counters, the neighbor tick and the neighbor operations of
 * {@code ip neigh}. It owns the stages a frame passes through, wired once here:
 * {@link Input} (Ethernet, IPv6/IPv4 checks, dispatch) → {@link VerdictExecutor} (behavior
 * instances and their verdicts) → {@link Forwarder} (hop limit, MTU, transmit) →
 * {@link NeighborResolver} (NDP/ARP) ; {@link LocalDelivery} (echo, NDP/ARP answers) and
 * {@link IcmpErrors} (built there, sent by the forwarder) on the side; {@link Punt} hands the
 * control plane's frames to a port's mirror, whose own frames leave through the port here.
 *
 * <p>Runs on the event loops. Each loop has its own {@link Loop} state; the tables are an
 * immutable snapshot read once per frame. Ownership of the frame is tracked in
 * {@code ctx.buf}: every path either hands it on (send, neighbor queue, a behavior that
 * consumed it) and clears the field, or the frame is released at the end. Nothing thrown
 * leaves {@link #onFrame}.
 */
public final class Engine implements FrameHandler {
    /** How often resolutions are retried and expired. */
    static final long TICK_MILLIS = 250;

    private volatile Tables tables;
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];
    private final LongAdder rx = new LongAdder();
    private final RateLimitedLog tickLog = new RateLimitedLog();
    private final Input input;
    private final VerdictExecutor verdicts = new VerdictExecutor();
    private final Forwarder forwarder = new Forwarder();
    private final NeighborResolver resolver;
    private final NeighborTable neighbors;
    private final LocalDelivery local = new LocalDelivery();
    private final IcmpErrors errors = new IcmpErrors();
    private final Punt punt = new Punt();
    private Loop[] loops;
    private ScheduledFuture<?> ticking;

    public Engine(NeighborTable neighbors, Tables initial) {
        this.tables = initial;
        this.neighbors = neighbors;
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
        input = new Input(this);
        resolver = new NeighborResolver(neighbors, this);
        input.wire(verdicts, forwarder, local, errors);
        verdicts.wire(input, forwarder, local, errors);
        forwarder.wire(neighbors, resolver, verdicts, errors);
        local.wire(forwarder, resolver, errors);
        errors.wire(forwarder);
        resolver.wire(errors);
        input.punt(punt);
        local.punt(punt);
    }

    /**
     * Binds the engine to its runtime (created with this engine as handler) and starts the
     * neighbor tick on loop 0 every {@value #TICK_MILLIS} ms; it stops with {@link #close} or the runtime.
     */
    public synchronized void runtime(IoRuntime runtime) {
        Loop[] l = new Loop[runtime.loops()];
        for (int i = 0; i < l.length; i++) {
            l[i] = new Loop(drops);
        }
        this.loops = l;
        errors.runtime(runtime);
        punt.runtime(runtime);
        resolver.runtime(runtime, l[0]);
        if (ticking != null) {
            ticking.cancel(false);
        }
        ticking = runtime.scheduleAtFixedRate(0, this::scheduledTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void scheduledTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            // the next tick tries again; a failing tick must not cancel the schedule
            tickLog.error(() -> "neighbor tick failed", e);
        }
    }

    /** Stops the neighbor tick (the runtime's close stops it too). */
    public synchronized void close() {
        if (ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    public void publish(Tables t) {
        this.tables = t;
    }

    public Tables tables() {
        return tables;
    }

    public long drops(DropReason r) {
        return drops[r.ordinal()].sum();
    }

    public long rxPackets() {
        return rx.sum();
    }

    public long buffersHeld() {
        return resolver.held();
    }

    @Override
    public void onFrame(int loop, IoPort port, ByteBuf frame) {
        Mirror m = port.mirror;
        if (m != null && m.tap == port) {
            m.inject(frame); // the control plane's frame: out of the port it mirrors, as it is
            return;
        }
        if (port.index() < 0) {
            // a mirror's netdev not attached (yet, or any more): not a port of the appliance
            port.rxDropped.increment();
            frame.release();
            return;
        }
        rx.increment();
        input.onFrame(loops[loop], port, frame);
    }

    /**
     * {@code ip neigh add}: a PERMANENT entry; packets waiting for it leave now. Any thread (table lock).
     * @return false when the table is at gc_thresh3 and nothing could be evicted
     */
    public boolean setStatic(int port, long hi, long lo, long mac) {
        return resolver.setStatic(port, hi, lo, mac);
    }

    /** Replaces the clock (nanoseconds) of the neighbor timers: tests run them without waiting. */
    void clock(java.util.function.LongSupplier nanos) {
        resolver.clock(nanos);
    }

    /**
     * The neighbor table's counters: entries now, refused (table full), evicted (to make room),
     * collected (aged out), packets refused by the per-port INCOMPLETE limit, solicitations held
     * back by the per-port rate.
     */
    public java.util.Map<String, Long> neighborCounters() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("entries", (long) neighbors.size());
        m.put("refused", neighbors.refused());
        m.put("evicted", neighbors.evicted());
        m.put("collected", neighbors.collected());
        m.put("unresolved-limited", resolver.unresolvedLimited());
        m.put("solicit-rate-limited", resolver.solicitLimited());
        return m;
    }

    /**
     * Retries and expires resolutions. Runs on loop 0 every {@value #TICK_MILLIS} ms once
     * {@link #runtime} is set; safe from any thread (decisions under the table lock, sends on loop 0).
     */
    public void tick() {
        resolver.tick(resolver.now());
    }

    /** {@link #tick()} at a given time: lets a test make probes due without waiting. */
    void tick(long nowNanos) {
        resolver.tick(nowNanos);
    }

    /** Frees the frames held for neighbors of a port that goes away. Any thread (table lock). */
    public void forget(int port) {
        resolver.forget(port);
    }

    /** Frees what removed neighbor entries held. Any thread (table lock). */
    public void discard(List<Neighbor> gone) {
        resolver.discard(gone);
    }

    /** @return every drop reason with its count, in declaration order */
    public List<long[]> dropCounts() {
        List<long[]> out = new ArrayList<>();
        for (DropReason r : DropReason.values()) {
            out.add(new long[] {r.ordinal(), drops[r.ordinal()].sum()});
        }
        return out;
    }
}
