package org.srv6.appliance.core.internal.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.log.RateLimitedLog;

/**
 * Neighbor resolution, the NDP (RFC 4861 §7.2) and ARP (RFC 826) state machine: holds packets for
 * an unresolved next hop and probes it, learns answers and sends what waited, retries and fails
 * resolutions on the tick, makes static entries, and frees what removed entries held.
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
    private static final long MAC_BROADCAST = 0xffff_ffff_ffffL;

    private final NeighborTable table;
    private final Engine engine;
    /** Frames held by entries (written under the table lock, read by anyone). */
    private final AtomicLong held = new AtomicLong();
    private final RateLimitedLog failLog = new RateLimitedLog();
    private IcmpErrors errors;
    private IoRuntime rt;
    private Loop loop0;

    NeighborResolver(NeighborTable table, Engine engine) {
        this.table = table;
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

    long held() {
        return held.get();
    }

    /** Queues the packet on an unresolved neighbor and probes it (NDP NS / ARP request). */
    void hold(Loop s, PortState op, long hi, long lo, int etherType) {
        PacketContext ctx = s.ctx;
        Neighbor n;
        long mac;
        boolean full = false;
        boolean probe = false;
        synchronized (table) {
            n = table.getOrCreate(op.io.index(), hi, lo);
            mac = n.mac;
            if (mac < 0) {
                if (n.state == Neighbor.FAILED) {
                    n.state = Neighbor.INCOMPLETE;
                    n.probes = 0;
                }
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
                    n.lastProbe = System.nanoTime();
                    probe = true;
                }
            }
        }
        if (mac >= 0) {
            Forwarder.transmit(s, op, mac, etherType); // answered since the caller looked
            return;
        }
        if (full) {
            s.drop(DropReason.NEIGHBOR_QUEUE_FULL);
        }
        if (probe) {
            solicit(op, n);
        }
    }

    /** Sends a Neighbor Solicitation (RFC 4861 §7.2.2) or an ARP request for {@code n}. */
    private void solicit(PortState op, Neighbor n) {
        ByteBuf f = rt.newFrame();
        int e = f.writerIndex();
        long mac = op.io.mac();
        if (n.isV4()) {
            f.writerIndex(e + Ethernet.LENGTH + Arp.LENGTH);
            Ethernet.dstMac(f, e, MAC_BROADCAST);
            Ethernet.srcMac(f, e, mac);
            Ethernet.type(f, e, Ethernet.TYPE_ARP);
            int a = e + Ethernet.LENGTH;
            f.setShort(a + Arp.HTYPE, 1);
            f.setShort(a + Arp.PTYPE, Ethernet.TYPE_IPV4);
            f.setByte(a + Arp.HLEN, 6);
            f.setByte(a + Arp.PLEN, 4);
            f.setShort(a + Arp.OPER, Arp.REQUEST);
            LocalDelivery.setMac(f, a + Arp.SHA, mac);
            f.setInt(a + Arp.SPA, op.addr4.length > 0 ? op.addr4[0] : 0);
            LocalDelivery.setMac(f, a + Arp.THA, 0);
            f.setInt(a + Arp.TPA, (int) n.lo);
        } else {
            int l3 = e + Ethernet.LENGTH;
            f.writerIndex(l3 + Ipv6.LENGTH + 32);
            Ethernet.dstMac(f, e, 0x3333_ff00_0000L | (n.lo & 0xffffff));
            Ethernet.srcMac(f, e, mac);
            Ethernet.type(f, e, Ethernet.TYPE_IPV6);
            Ipv6.versionTcFlow(f, l3, 0, 0);
            Ipv6.payloadLength(f, l3, 32);
            Ipv6.nextHeader(f, l3, Ipv6.PROTO_ICMPV6);
            Ipv6.hopLimit(f, l3, 255);
            if (op.hi6.length > 0 && !PortState.isLinkLocal(n.hi)) {
                Ipv6.src(f, l3, op.hi6[0], op.lo6[0]);
            } else {
                // a link-local target is solicited from the link-local address (RFC 6724 scope rule)
                Ipv6.src(f, l3, op.llHi, op.llLo);
            }
            Ipv6.dst(f, l3, 0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (n.lo & 0xffffff));
            int icmp = l3 + Ipv6.LENGTH;
            f.setInt(icmp, Icmp6.NEIGHBOR_SOLICITATION << 24);
            f.setInt(icmp + 4, 0);
            f.setLong(icmp + 8, n.hi);
            f.setLong(icmp + 16, n.lo);
            f.setByte(icmp + 24, Icmp6.OPT_SOURCE_LLADDR);
            f.setByte(icmp + 25, 1);
            LocalDelivery.setMac(f, icmp + 26, mac);
            Icmp6.updateChecksum(f, l3, icmp, 32);
        }
        op.io.send(f);
    }

    /** A solicitation's sender becomes a neighbor (STALE in Linux terms: known, not confirmed). */
    void learnStale(int port, long hi, long lo, long mac) {
        Neighbor n = table.get(port, hi, lo);
        if (n != null && n.mac == mac && n.state != Neighbor.INCOMPLETE) {
            return;
        }
        learn(port, hi, lo, mac, true);
    }

    /**
     * Records a neighbor's MAC and sends what was waiting for it. Unless {@code create}, only an
     * entry that exists is updated (an unsolicited advertisement creates nothing, as in Linux).
     */
    void learn(int port, long hi, long lo, long mac, boolean create) {
        ByteBuf[] out;
        int count;
        synchronized (table) {
            Neighbor n = create ? table.getOrCreate(port, hi, lo) : table.get(port, hi, lo);
            if (n == null || n.state == Neighbor.PERMANENT) {
                return;
            }
            n.mac = mac;
            n.state = Neighbor.REACHABLE;
            n.probes = 0;
            count = n.heldCount;
            if (count == 0) {
                return;
            }
            out = takeHeld(n);
        }
        send(port, mac, out, count);
    }

    /** {@code ip neigh add}: a PERMANENT entry; packets waiting for it leave now. */
    void setStatic(int port, long hi, long lo, long mac) {
        ByteBuf[] out;
        int count;
        synchronized (table) {
            Neighbor n = table.getOrCreate(port, hi, lo);
            boolean was = n.state == Neighbor.PERMANENT;
            n.mac = mac;
            n.state = Neighbor.PERMANENT;
            n.probes = 0;
            count = n.heldCount;
            if (was || count == 0) {
                return;
            }
            out = takeHeld(n);
        }
        send(port, mac, out, count);
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

    /**
     * Retries resolutions whose last probe is {@link #PROBE_INTERVAL_NANOS} old and fails those
     * probed {@link #MAX_PROBES} times. Decides under the lock; the probes and the errors for the
     * failed entries' packets then go out on loop 0 (here when called there).
     */
    void tick(long now) {
        IoRuntime r = rt;
        if (r == null) {
            return;
        }
        List<Neighbor> probe = null;
        List<Failed> failed = null;
        synchronized (table) {
            for (Neighbor n : table.slots()) {
                if (n == null || n.state != Neighbor.INCOMPLETE || n.probes == 0
                        || now - n.lastProbe < PROBE_INTERVAL_NANOS) {
                    continue;
                }
                if (n.probes < MAX_PROBES) {
                    n.probes++;
                    n.lastProbe = now;
                    (probe == null ? probe = new ArrayList<>() : probe).add(n);
                } else {
                    n.state = Neighbor.FAILED;
                    n.probes = 0;
                    int count = n.heldCount;
                    int[] inPorts = n.heldInPort.clone();
                    Failed f = new Failed(n.isV4(), takeHeld(n), inPorts, count);
                    (failed == null ? failed = new ArrayList<>() : failed).add(f);
                }
            }
        }
        if (probe == null && failed == null) {
            return;
        }
        List<Neighbor> p = probe;
        List<Failed> fl = failed;
        Runnable work = () -> {
            Tables t = engine.tables();
            if (p != null) {
                for (Neighbor n : p) {
                    PortState op = t.port(n.port);
                    if (op != null && op.io.up()) {
                        solicit(op, n);
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
