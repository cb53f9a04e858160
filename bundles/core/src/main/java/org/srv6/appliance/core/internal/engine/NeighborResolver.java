package org.srv6.appliance.core.internal.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.log.RateLimitedLog;

/**
 * Neighbor resolution, the NDP (RFC 4861 §7.2-7.3) and ARP (RFC 826) state machine with Linux's
 * timers: INCOMPLETE (multicast solicitations {@link #PROBE_INTERVAL_NANOS} apart, {@link #MAX_PROBES}
 * of them, then FAILED), REACHABLE (a confirmation's randomized base_reachable_time), STALE (still
 * used; the first use moves it to DELAY), DELAY ({@link #DELAY_NANOS}), PROBE (unicast
 * solicitations), PERMANENT. Holds packets for an unresolved next hop, learns answers and sends
 * what waited, runs the timers on the tick, makes static entries, and frees what removed entries
 * held. Bounds: the per-port INCOMPLETE limit and solicitation rate here, the table size in
 * {@link NeighborTable}.
 *
 * <p>One lock: the {@link NeighborTable}'s monitor guards every write to the table and to its
 * entries (state, MAC, probes, held packets), whichever thread writes: the loops (hold, learn),
 * loop 0 (the tick, which {@link Engine#runtime} schedules there), the control plane (setStatic,
 * discard, forget, and {@link NeighborTable#removeIf}). The packet path reads the table and a
 * resolved entry's MAC without it. Frames are sent, and ICMP errors built, outside the lock.
 */
final class NeighborResolver {
    static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
    static final int MAX_PROBES = 3;
    /** DELAY_FIRST_PROBE_TIME (RFC 4861 §10, Linux delay_first_probe_time). */
    static final long DELAY_NANOS = 5_000_000_000L;

    private final NeighborTable table;
    private final NeighborLimits limits;
    private final Engine engine;
    /** Frames held by entries (written under the table lock, read by anyone). */
    private final AtomicLong held = new AtomicLong();
    private final RateLimitedLog failLog = new RateLimitedLog();
    private volatile LongSupplier clock = System::nanoTime;
    private final SolicitRate rate;
    private volatile long unresolvedLimited;
    private IcmpErrors errors;
    private IoRuntime rt;
    private Loop loop0;

    NeighborResolver(NeighborTable table, Engine engine) {
        this.table = table;
        this.limits = table.limits();
        this.rate = new SolicitRate(limits.solicitPerSecond());
        this.engine = engine;
    }

    void wire(IcmpErrors errors) {
        this.errors = errors;
    }

    /** Binds the runtime; failures are reported with loop 0's state, on loop 0. */
    void runtime(IoRuntime runtime, Loop loop0) {
        this.loop0 = loop0;
        this.rt = runtime;
    }

    /** Replaces the clock (nanoseconds) the timers read: tests run them without waiting. */
    void clock(LongSupplier c) {
        this.clock = c;
    }

    long now() {
        return clock.getAsLong();
    }

    long held() {
        return held.get();
    }

    /** Packets dropped because their port had {@code unres_max} INCOMPLETE entries. */
    long unresolvedLimited() {
        return unresolvedLimited;
    }

    /** Solicitations not sent because of the per-port rate (they count as sent and lost). */
    long solicitLimited() {
        return rate.limited();
    }

    /** Queues the packet on an unresolved neighbor and probes it (NDP NS / ARP request). */
    void hold(Loop s, PortState op, long hi, long lo, int etherType) {
        PacketContext ctx = s.ctx;
        int port = op.io.index();
        long now = clock.getAsLong();
        Neighbor n;
        long mac = -1;
        boolean full = false;
        boolean probe = false;
        boolean refused = false;
        synchronized (table) {
            n = table.get(port, hi, lo);
            if (n == null) {
                if (table.unresolved(port) >= limits.unresolvedPerPort()) {
                    unresolvedLimited++;
                    refused = true;
                } else {
                    n = table.create(port, hi, lo, now);
                    refused = n == null;
                }
            } else if (n.state == Neighbor.FAILED) {
                if (table.unresolved(port) >= limits.unresolvedPerPort()) {
                    unresolvedLimited++;
                    refused = true;
                } else {
                    table.state(n, Neighbor.INCOMPLETE, now);
                    n.probes = 0;
                }
            }
            if (!refused) {
                mac = n.mac;
                if (mac >= 0) {
                    n.used = true; // a STALE entry in use starts its DELAY on the tick
                } else {
                    if (n.heldCount >= Neighbor.QUEUE) {
                        full = true;
                    } else {
                        ctx.buf.readerIndex(ctx.l3 - Ethernet.LENGTH);
                        Ethernet.type(ctx.buf, ctx.l3 - Ethernet.LENGTH, etherType); // kept until the neighbor answers
                        n.held[n.heldCount] = ctx.buf;
                        n.heldInPort[n.heldCount] = ctx.inPort;
                        n.heldCount++;
                        held.incrementAndGet();
                        ctx.buf = null;
                    }
                    if (n.probes == 0) {
                        n.probes = 1;
                        n.lastProbe = now;
                        probe = rate.allow(port, now);
                    }
                }
            }
        }
        if (refused) {
            s.drop(DropReason.NEIGHBOR_TABLE_FULL);
            return;
        }
        if (mac >= 0) {
            Forwarder.transmit(s, op, mac, etherType); // answered since the caller looked
            return;
        }
        if (full) {
            s.drop(DropReason.NEIGHBOR_QUEUE_FULL);
        }
        if (probe) {
            solicit(op, n, -1);
        }
    }

    /** Sends a solicitation for {@code n}: multicast, or unicast to {@code unicastMac} when it is >= 0. */
    private void solicit(PortState op, Neighbor n, long unicastMac) {
        ByteBuf f = rt.newFrame();
        Solicitation.write(f, op, n, unicastMac);
        op.io.send(f);
    }

    /**
     * A solicitation's sender (NS with a source link-layer option, ARP request for us) or an ARP
     * packet's sender: RFC 4861 §7.2.3 — a new entry is STALE; an INCOMPLETE one becomes STALE and
     * sends what waited; a different MAC replaces the known one and makes it STALE. Unless
     * {@code create}, only an entry that exists is updated.
     */
    void learnStale(int port, long hi, long lo, long mac, boolean create) {
        Neighbor n = table.get(port, hi, lo);
        if (n != null && n.mac == mac && n.state != Neighbor.INCOMPLETE) {
            return; // nothing new: no lock on the hot path of a chatty neighbor
        }
        ByteBuf[] out;
        int count;
        long now = clock.getAsLong();
        synchronized (table) {
            n = table.get(port, hi, lo);
            if (n == null && create) {
                n = table.create(port, hi, lo, now);
            }
            if (n == null || n.state == Neighbor.PERMANENT || (n.mac == mac && n.state != Neighbor.INCOMPLETE)) {
                return;
            }
            n.mac = mac;
            n.probes = 0;
            n.used = false;
            table.state(n, Neighbor.STALE, now);
            count = n.heldCount;
            if (count == 0) {
                return;
            }
            out = takeHeld(n);
        }
        send(port, mac, out, count);
    }

    /**
     * A confirmation (solicited advertisement, ARP reply for us): REACHABLE for a randomized
     * base_reachable_time, and what waited is sent. Unless {@code create}, only an entry that
     * exists is updated (an unsolicited advertisement creates nothing, as in Linux).
     */
    void learn(int port, long hi, long lo, long mac, boolean create) {
        advertised(port, hi, lo, mac, true, true, create);
    }

    /**
     * RFC 4861 §7.2.5: an advertisement for an entry. Solicited confirms (REACHABLE); an
     * unsolicited one with override and a new MAC makes it STALE; without override a different
     * MAC only makes a REACHABLE entry STALE. An INCOMPLETE entry takes the MAC either way.
     */
    void advertised(int port, long hi, long lo, long mac, boolean solicited, boolean override, boolean create) {
        ByteBuf[] out;
        int count;
        long now = clock.getAsLong();
        synchronized (table) {
            Neighbor n = table.get(port, hi, lo);
            if (n == null && create) {
                n = table.create(port, hi, lo, now);
            }
            if (n == null || n.state == Neighbor.PERMANENT) {
                return;
            }
            boolean incomplete = n.mac < 0;
            boolean changed = n.mac != mac;
            if (!incomplete && changed && !override) {
                if (n.state == Neighbor.REACHABLE) {
                    table.state(n, Neighbor.STALE, now);
                    n.used = false;
                }
                return;
            }
            if (!incomplete && !changed && !solicited) {
                return; // nothing new
            }
            n.mac = mac;
            n.probes = 0;
            n.used = false;
            if (solicited) {
                n.confirmed = now;
                long base = limits.baseReachableMillis() * 1_000_000L;
                n.reachableNanos = base / 2 + (long) (ThreadLocalRandom.current().nextDouble() * base);
                table.state(n, Neighbor.REACHABLE, now);
            } else {
                table.state(n, Neighbor.STALE, now);
            }
            count = n.heldCount;
            if (count == 0) {
                return;
            }
            out = takeHeld(n);
        }
        send(port, mac, out, count);
    }

    /** {@code ip neigh add}: a PERMANENT entry; packets waiting for it leave now. @return false when the table is full */
    boolean setStatic(int port, long hi, long lo, long mac) {
        ByteBuf[] out;
        int count;
        long now = clock.getAsLong();
        synchronized (table) {
            Neighbor n = table.get(port, hi, lo);
            if (n == null) {
                n = table.create(port, hi, lo, now);
                if (n == null) {
                    return false;
                }
            }
            boolean was = n.state == Neighbor.PERMANENT;
            n.mac = mac;
            table.state(n, Neighbor.PERMANENT, now);
            n.probes = 0;
            count = n.heldCount;
            if (was || count == 0) {
                return true;
            }
            out = takeHeld(n);
        }
        send(port, mac, out, count);
        return true;
    }

    /** Empties an entry's queue (under the table lock). @return the frames, in arrival order */
    private ByteBuf[] takeHeld(Neighbor n) {
        ByteBuf[] out = n.held.clone();
        Arrays.fill(n.held, null);
        held.addAndGet(-n.heldCount);
        n.heldCount = 0;
        return out;
    }

    private void send(int port, long mac, ByteBuf[] out, int count) {
        PortState op = engine.tables().port(port);
        for (int i = 0; i < count; i++) {
            ByteBuf f = out[i];
            if (op == null) {
                f.release();
                continue;
            }
            int e = f.readerIndex();
            Ethernet.dstMac(f, e, mac);
            Ethernet.srcMac(f, e, op.io.mac()); // the type was written when the frame was held
            op.io.send(f);
        }
    }

    /** What an entry that failed held: its frames and the ports they came in on. */
    private record Failed(boolean v4, ByteBuf[] frames, int[] inPorts, int count) {
    }

    /** A solicitation the tick decided on: multicast ({@code mac} < 0) or unicast to {@code mac}. */
    private record Probe(Neighbor n, long mac) {
    }

    /**
     * Runs the timers (under the lock): collects old entries, retries INCOMPLETE resolutions whose
     * last probe is {@link #PROBE_INTERVAL_NANOS} old and fails those probed {@link #MAX_PROBES}
     * times, ages REACHABLE to STALE, moves a used STALE entry to DELAY, DELAY to PROBE, and fails a
     * PROBE entry that did not answer. The probes and the errors for the failed entries' packets
     * then go out on loop 0 (here when called there).
     */
    void tick(long now) {
        IoRuntime r = rt;
        if (r == null) {
            return;
        }
        List<Probe> probe = null;
        List<Failed> failed = null;
        synchronized (table) {
            table.collect(now);
            for (Neighbor n : table.slots()) {
                if (!NeighborTable.live(n)) {
                    continue;
                }
                switch (n.state) {
                    case Neighbor.INCOMPLETE, Neighbor.PROBE -> {
                        if (n.probes == 0 || now - n.lastProbe < PROBE_INTERVAL_NANOS) {
                            continue;
                        }
                        if (n.probes < MAX_PROBES) {
                            n.probes++;
                            n.lastProbe = now;
                            if (rate.allow(n.port, now)) {
                                (probe == null ? probe = new ArrayList<>() : probe).add(new Probe(n, n.mac));
                            }
                            continue;
                        }
                        boolean resolving = n.state == Neighbor.INCOMPLETE;
                        table.state(n, Neighbor.FAILED, now);
                        n.mac = -1; // the next packet starts a new resolution
                        n.probes = 0;
                        if (resolving && n.heldCount > 0) {
                            int count = n.heldCount;
                            int[] inPorts = n.heldInPort.clone();
                            Failed f = new Failed(n.isV4(), takeHeld(n), inPorts, count);
                            (failed == null ? failed = new ArrayList<>() : failed).add(f);
                        }
                    }
                    case Neighbor.REACHABLE -> {
                        if (now - n.confirmed >= n.reachableNanos) {
                            n.used = false;
                            table.state(n, Neighbor.STALE, now);
                        }
                    }
                    case Neighbor.STALE -> {
                        if (n.used) {
                            n.used = false;
                            table.state(n, Neighbor.DELAY, now);
                        }
                    }
                    case Neighbor.DELAY -> {
                        if (now - n.updated >= DELAY_NANOS) {
                            table.state(n, Neighbor.PROBE, now);
                            n.probes = 1;
                            n.lastProbe = now;
                            if (rate.allow(n.port, now)) {
                                (probe == null ? probe = new ArrayList<>() : probe).add(new Probe(n, n.mac));
                            }
                        }
                    }
                    default -> {
                        // FAILED waits for a packet or the collector; PERMANENT never changes
                    }
                }
            }
        }
        if (probe == null && failed == null) {
            return;
        }
        List<Probe> p = probe;
        List<Failed> fl = failed;
        Runnable work = () -> {
            Tables t = engine.tables();
            if (p != null) {
                for (Probe x : p) {
                    PortState op = t.port(x.n.port);
                    if (op != null && op.io.up()) {
                        solicit(op, x.n, x.mac);
                    }
                }
            }
            if (fl != null) {
                for (Failed f : fl) {
                    fail(f);
                }
            }
        };
        if (r.inLoop(0)) {
            work.run();
            return;
        }
        try {
            r.execute(0, work);
        } catch (RuntimeException e) {
            // the loops are gone: nothing will answer, free what waited
            for (Failed f : fl == null ? List.<Failed>of() : fl) {
                for (int i = 0; i < f.count; i++) {
                    f.frames[i].release();
                }
            }
        }
    }

    /** The neighbor did not answer: drop what waited for it, with Destination Unreachable (address). On loop 0. */
    private void fail(Failed f) {
        Loop s = loop0;
        Tables t = engine.tables();
        PacketContext ctx = s.ctx;
        for (int i = 0; i < f.count; i++) {
            ByteBuf b = f.frames[i];
            ctx.reset(b, b.readerIndex() + Ethernet.LENGTH, f.inPorts[i], Tables.MAIN);
            PortState ip = t.port(f.inPorts[i]);
            s.in = ip == null ? null : ip.io;
            s.route = null;
            try {
                if (f.v4) {
                    errors.icmp4(s, t, Icmp4.DEST_UNREACHABLE, Icmp4.UNREACH_HOST, 0, DropReason.NEIGHBOR_UNRESOLVED);
                } else {
                    errors.icmp6(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_ADDRESS, 0,
                            DropReason.NEIGHBOR_UNRESOLVED);
                }
            } catch (RuntimeException e) {
                s.tally(DropReason.INTERNAL);
                String port = ip == null ? "(port gone)" : ip.io.name();
                failLog.error(() -> "error for an unresolved neighbor's packet from " + port
                        + " failed; the packet was dropped (internal)", e);
            } finally {
                s.release();
            }
        }
    }

    /** Frees what removed entries held. */
    void discard(List<Neighbor> gone) {
        synchronized (table) {
            for (Neighbor n : gone) {
                for (int i = 0; i < n.heldCount; i++) {
                    n.held[i].release();
                    n.held[i] = null;
                    held.decrementAndGet();
                }
                n.heldCount = 0;
            }
        }
    }

    /** Removes the entries of a port that goes away and frees what they held. */
    void forget(int port) {
        discard(table.removeIf(x -> x.port == port));
    }
}
