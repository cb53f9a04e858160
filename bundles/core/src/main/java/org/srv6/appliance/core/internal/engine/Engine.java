package org.srv6.appliance.core.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.api.packet.Checksum;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.io.FrameHandler;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.IoRuntime;

/**
 * The packet path: Ethernet in, ARP/NDP, echo, IPv6/IPv4 forwarding, SID and steering dispatch
 * to behavior instances, the execution of their verdicts, ICMP errors, Ethernet out.
 *
 * <p>Runs on the event loops. Each loop has its own {@link PacketContext}; the tables are an
 * immutable snapshot read once per frame. Ownership of the frame is tracked in
 * {@code ctx.buf}: every path either hands it on (send, neighbor queue, a behavior that
 * consumed it) and clears the field, or the frame is released at the end. Nothing thrown
 * leaves {@link #onFrame}.
 */
public final class Engine implements FrameHandler {
    private static final int MAX_DEPTH = 16;
    private static final long MAC_BROADCAST = 0xffff_ffff_ffffL;
    private static final long MAC_ALL_NODES = 0x3333_0000_0001L;
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
    private static final int MAX_PROBES = 3;

    private volatile Tables tables;
    private final NeighborTable neighbors;
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];
    private final LongAdder rx = new LongAdder();
    private final AtomicLong held = new AtomicLong();
    private IoRuntime rt;
    private Loop[] loops;

    /** Per event loop state. */
    static final class Loop {
        final PacketContext ctx = new PacketContext();
        IoPort in;
        final int[] nh = new int[1];
        /** Neighbor key of the next hop a verdict named (see {@link Engine#nextHop}). */
        long nhHi;
        long nhLo;
    }

    public Engine(NeighborTable neighbors, Tables initial) {
        this.neighbors = neighbors;
        this.tables = initial;
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    /** Binds the engine to its runtime (created with this engine as handler). */
    public void runtime(IoRuntime runtime) {
        this.rt = runtime;
        Loop[] l = new Loop[runtime.loops()];
        for (int i = 0; i < l.length; i++) {
            l[i] = new Loop();
        }
        this.loops = l;
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
        return held.get();
    }

    // ------------------------------------------------------------------ input

    @Override
    public void onFrame(int loop, IoPort port, ByteBuf frame) {
        Loop s = loops[loop];
        PacketContext ctx = s.ctx;
        s.in = port;
        ctx.buf = frame;
        rx.increment();
        try {
            input(s, port, frame);
        } catch (Throwable t) {
            drops[DropReason.INTERNAL.ordinal()].increment();
            port.rxDropped.increment();
        } finally {
            if (ctx.buf != null) {
                ctx.buf.release();
                ctx.buf = null;
            }
        }
    }

    private void input(Loop s, IoPort io, ByteBuf b) {
        Tables t = tables;
        PacketContext ctx = s.ctx;
        PortState p = t.port(io.index());
        if (p == null || p.io != io || !io.up()) {
            drop(s, DropReason.PORT_DOWN);
            return;
        }
        int start = b.readerIndex();
        if (b.writerIndex() - start < Ethernet.LENGTH) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        long dmac = Ethernet.dstMac(b, start);
        if (dmac != io.mac() && !Ethernet.isMulticast(dmac)) {
            drop(s, DropReason.NOT_FOR_US);
            return;
        }
        int type = Ethernet.type(b, start);
        ctx.reset(b, start + Ethernet.LENGTH, io.index(), p.table);
        switch (type) {
            case Ethernet.TYPE_IPV6 -> ipv6In(s, t, p);
            case Ethernet.TYPE_IPV4 -> ipv4In(s, t, p);
            case Ethernet.TYPE_ARP -> arpIn(s, t, p);
            default -> {
                if (p.claim != null) {
                    behavior(s, t, p.claim, 0, true); // e.g. an Ethernet service behind End.AD
                } else {
                    drop(s, DropReason.BAD_ETHERTYPE);
                }
            }
        }
    }

    private void ipv6In(Loop s, Tables t, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv6.LENGTH) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        if (Ipv6.version(b, l3) != 6) {
            drop(s, DropReason.BAD_IP_VERSION);
            return;
        }
        int total = Ipv6.LENGTH + Ipv6.payloadLength(b, l3);
        if (l3 + total > end) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        b.writerIndex(l3 + total); // Ethernet padding is not part of the packet
        if ((Ipv6.srcHi(b, l3) >>> 56) == 0xff) {
            drop(s, DropReason.BAD_IP_HEADER);
            return;
        }
        long dhi = Ipv6.dstHi(b, l3);
        long dlo = Ipv6.dstLo(b, l3);
        if ((dhi >>> 56) == 0xff) {
            multicast6(s, t, p);
            return;
        }
        Route r = t.lookup6(p.table, dhi, dlo);
        if (!diverted(s, t, p, r)) {
            dispatch6(s, t, r, 0);
        }
    }

    private void dispatch6(Loop s, Tables t, Route r, int depth) {
        if (r == null) {
            icmp6Error(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_NO_ROUTE, 0, DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.LOCAL -> local6(s, t, false);
            case Route.SID, Route.STEER -> behavior(s, t, r, depth);
            default -> {
                ByteBuf b = s.ctx.buf;
                int l3 = s.ctx.l3;
                long nhHi = r.hasVia ? r.viaHi : Ipv6.dstHi(b, l3);
                long nhLo = r.hasVia ? r.viaLo : Ipv6.dstLo(b, l3);
                forward6(s, t, r.port, nhHi, nhLo);
            }
        }
    }

    private void ipv4In(Loop s, Tables t, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv4.MIN_LENGTH) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        if (Ipv4.version(b, l3) != 4) {
            drop(s, DropReason.BAD_IP_VERSION);
            return;
        }
        int ihl = Ipv4.headerLength(b, l3);
        int total = Ipv4.totalLength(b, l3);
        if (ihl < Ipv4.MIN_LENGTH || total < ihl) {
            drop(s, DropReason.BAD_IP_HEADER);
            return;
        }
        if (l3 + total > end) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        if (!Ipv4.checksumOk(b, l3)) {
            drop(s, DropReason.BAD_CHECKSUM);
            return;
        }
        b.writerIndex(l3 + total);
        int dst = Ipv4.dst(b, l3);
        if ((dst >>> 28) == 0xe || dst == -1) {
            drop(s, DropReason.NOT_FOR_US);
            return;
        }
        Route r = t.lookup4(p.table, dst);
        if (!diverted(s, t, p, r)) {
            dispatch4(s, t, r, 0);
        }
    }

    /**
     * A packet not for the appliance itself goes to the proxy instance that claims its port, else
     * to the port's steering instance. @return true when one of them took it
     */
    private boolean diverted(Loop s, Tables t, PortState p, Route r) {
        if (r != null && r.kind == Route.LOCAL) {
            return false;
        }
        if (p.claim != null) {
            behavior(s, t, p.claim, 0, true);
            return true;
        }
        if (p.steer != null) {
            behavior(s, t, p.steer, 0);
            return true;
        }
        return false;
    }

    private void dispatch4(Loop s, Tables t, Route r, int depth) {
        if (r == null) {
            icmp4Error(s, t, Icmp4.DEST_UNREACHABLE, Icmp4.UNREACH_NET, 0, DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.LOCAL -> local4(s, t);
            case Route.STEER -> behavior(s, t, r, depth);
            case Route.SID -> drop(s, DropReason.NO_ROUTE);
            default -> forward4(s, t, r.port, r.hasVia ? r.via4 : Ipv4.dst(s.ctx.buf, s.ctx.l3));
        }
    }

    // --------------------------------------------------------------- behaviors

    private void behavior(Loop s, Tables t, Route r, int depth) {
        behavior(s, t, r, depth, false);
    }

    /** Runs a SID's or steering route's instance; {@code returning}: a frame from a proxy's service. */
    private void behavior(Loop s, Tables t, Route r, int depth, boolean returning) {
        PacketContext ctx = s.ctx;
        Route.SidCounters c = r.counters;
        c.packets.increment();
        c.bytes.add(ctx.l3Length());
        BehaviorInstance inst = r.instance;
        if (inst == null) {
            c.errors.increment();
            drop(s, DropReason.BEHAVIOR_ABSENT);
            return;
        }
        ctx.reset(ctx.buf, ctx.l3, ctx.inPort, ctx.inTable);
        Verdict v;
        try {
            v = returning ? inst.processReturn(ctx) : inst.process(ctx);
        } catch (RuntimeException e) {
            c.errors.increment();
            drop(s, DropReason.INTERNAL);
            return;
        }
        if (v == null) {
            c.errors.increment();
            drop(s, DropReason.INTERNAL);
            return;
        }
        switch (v) {
            case FORWARD -> {
                if (depth >= MAX_DEPTH) {
                    c.errors.increment();
                    drop(s, DropReason.HOP_LIMIT);
                    return;
                }
                ByteBuf b = ctx.buf;
                int l3 = ctx.l3;
                if (l3 < b.readerIndex() || l3 >= b.writerIndex()) {
                    c.errors.increment();
                    drop(s, DropReason.INTERNAL);
                    return;
                }
                int version = b.getUnsignedByte(l3) >>> 4;
                if (version == 6 && ctx.l3Length() >= Ipv6.LENGTH) {
                    dispatch6(s, t, t.lookup6(ctx.table, Ipv6.dstHi(b, l3), Ipv6.dstLo(b, l3)), depth + 1);
                } else if (version == 4 && ctx.l3Length() >= Ipv4.MIN_LENGTH) {
                    dispatch4(s, t, t.lookup4(ctx.table, Ipv4.dst(b, l3)), depth + 1);
                } else {
                    c.errors.increment();
                    drop(s, DropReason.UNSUPPORTED_PAYLOAD);
                }
            }
            case FORWARD_NH6 -> {
                int port = nextHop(s, t, true);
                if (port < 0) {
                    c.errors.increment();
                    icmp6Error(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_NO_ROUTE, 0, DropReason.NO_ROUTE);
                    return;
                }
                forward6(s, t, port, s.nhHi, s.nhLo);
            }
            case FORWARD_NH4, L2_NH6, L2_NH4 -> {
                int port = nextHop(s, t, v == Verdict.L2_NH6);
                if (port < 0) {
                    c.errors.increment();
                    drop(s, DropReason.NO_ROUTE);
                    return;
                }
                if (v == Verdict.FORWARD_NH4) {
                    forward4(s, t, port, (int) s.nhLo);
                    return;
                }
                PortState op = t.port(port);
                if (op == null || !op.io.up()) {
                    c.errors.increment();
                    drop(s, DropReason.PORT_DOWN);
                    return;
                }
                if (ctx.l3Length() > op.io.mtu()) {
                    c.errors.increment();
                    drop(s, DropReason.MTU_EXCEEDED);
                    return;
                }
                output(s, op, s.nhHi, s.nhLo, ctx.etherType);
            }
            case L2_OUT -> {
                PortState op = t.port(ctx.outPort);
                if (op == null || !op.io.up()) {
                    c.errors.increment();
                    drop(s, DropReason.PORT_DOWN);
                    return;
                }
                ByteBuf b = ctx.buf;
                ctx.buf = null;
                op.io.send(b);
            }
            case LOCAL -> local6(s, t, true);
            case DROP -> {
                c.errors.increment();
                drop(s, ctx.dropReason == DropReason.NONE ? DropReason.INTERNAL : ctx.dropReason);
            }
            case ICMP_ERROR -> {
                c.errors.increment();
                DropReason reason = ctx.dropReason == DropReason.NONE ? DropReason.INTERNAL : ctx.dropReason;
                if ((ctx.buf.getUnsignedByte(ctx.l3) >>> 4) == 4) {
                    icmp4Error(s, t, ctx.icmpType, ctx.icmpCode, ctx.icmpParam, reason);
                } else {
                    icmp6Error(s, t, ctx.icmpType, ctx.icmpCode, ctx.icmpParam, reason);
                }
            }
            case CONSUMED -> ctx.buf = null;
            default -> drop(s, DropReason.INTERNAL);
        }
    }

    // --------------------------------------------------------------- forwarding

    /**
     * The adjacency of a FORWARD_NH / L2_NH verdict: {@code ctx.nextHop6} ({@code v6}) or
     * {@code ctx.nextHop4}, out {@code ctx.outPort}, else out the port of the unicast route to it
     * (through that route's gateway). Leaves the neighbor key in {@code s.nhHi}/{@code s.nhLo}.
     *
     * @return the output port, or -1 when there is no unicast route to the next hop
     */
    private static int nextHop(Loop s, Tables t, boolean v6) {
        PacketContext ctx = s.ctx;
        s.nhHi = v6 ? Ipv6.hi(ctx.nextHop6) : Neighbor.V4;
        s.nhLo = v6 ? Ipv6.lo(ctx.nextHop6) : ctx.nextHop4 & 0xffff_ffffL;
        if (ctx.outPort >= 0) {
            return ctx.outPort;
        }
        Route nr = v6 ? t.lookup6(ctx.table, s.nhHi, s.nhLo) : t.lookup4(ctx.table, ctx.nextHop4);
        if (nr == null || nr.kind != Route.UNICAST) {
            return -1;
        }
        if (nr.hasVia) {
            s.nhHi = v6 ? nr.viaHi : Neighbor.V4;
            s.nhLo = v6 ? nr.viaLo : nr.via4 & 0xffff_ffffL;
        }
        return nr.port;
    }

    /** IP forwarding of the IPv6 header at l3: hop limit, MTU, decrement, out. */
    private void forward6(Loop s, Tables t, int port, long nhHi, long nhLo) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        if ((shi == 0 && (slo == 0 || slo == 1)) || PortState.isLinkLocal(shi)) {
            // unspecified, loopback and link-local sources never leave their link (RFC 4291 §2.5)
            drop(s, DropReason.BAD_IP_HEADER);
            return;
        }
        int hl = Ipv6.hopLimit(b, l3);
        if (hl <= 1) {
            icmp6Error(s, t, Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
            return;
        }
        PortState op = t.port(port);
        if (op == null || !op.io.up()) {
            drop(s, DropReason.PORT_DOWN);
            return;
        }
        int mtu = op.io.mtu();
        if (ctx.l3Length() > mtu) {
            icmp6Error(s, t, Icmp6.PACKET_TOO_BIG, 0, mtu, DropReason.MTU_EXCEEDED);
            return;
        }
        Ipv6.hopLimit(b, l3, hl - 1);
        output(s, op, nhHi, nhLo, Ethernet.TYPE_IPV6);
    }

    private void forward4(Loop s, Tables t, int port, int nh) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int src = Ipv4.src(b, l3);
        int top = src >>> 24;
        if (src == 0 || top == 127 || (src >>> 28) == 0xe || src == -1) {
            // martian sources (RFC 1812 §5.3.7): this network, loopback, multicast, broadcast
            drop(s, DropReason.BAD_IP_HEADER);
            return;
        }
        if (Ipv4.ttl(b, l3) <= 1) {
            icmp4Error(s, t, Icmp4.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
            return;
        }
        PortState op = t.port(port);
        if (op == null || !op.io.up()) {
            drop(s, DropReason.PORT_DOWN);
            return;
        }
        int mtu = op.io.mtu();
        if (ctx.l3Length() > mtu) {
            if (Ipv4.dontFragment(b, l3)) {
                icmp4Error(s, t, Icmp4.DEST_UNREACHABLE, Icmp4.UNREACH_FRAG_NEEDED, mtu, DropReason.MTU_EXCEEDED);
            } else {
                drop(s, DropReason.MTU_EXCEEDED);
            }
            return;
        }
        Ipv4.decrementTtl(b, l3);
        output(s, op, Neighbor.V4, nh & 0xffff_ffffL, Ethernet.TYPE_IPV4);
    }

    /** Sends the packet at l3 to the neighbor (hi, lo) on {@code op}, resolving it first if needed. */
    private void output(Loop s, PortState op, long hi, long lo, int etherType) {
        Neighbor n = neighbors.get(op.io.index(), hi, lo);
        if (n != null) {
            long mac = n.mac;
            if (mac >= 0) {
                transmit(s, op, mac, etherType);
                return;
            }
        }
        hold(s, op, hi, lo, etherType);
    }

    private void transmit(Loop s, PortState op, long mac, int etherType) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int e = ctx.l3 - Ethernet.LENGTH;
        b.readerIndex(e);
        Ethernet.dstMac(b, e, mac);
        Ethernet.srcMac(b, e, op.io.mac());
        Ethernet.type(b, e, etherType);
        ctx.buf = null;
        op.io.send(b);
    }

    /** Queues the packet on an unresolved neighbor and probes it (NDP NS / ARP request). */
    private void hold(Loop s, PortState op, long hi, long lo, int etherType) {
        PacketContext ctx = s.ctx;
        Neighbor n = neighbors.getOrCreate(op.io.index(), hi, lo);
        boolean probe = false;
        synchronized (n) {
            long mac = n.mac;
            if (mac >= 0) {
                transmit(s, op, mac, etherType);
                return;
            }
            if (n.state == Neighbor.FAILED) {
                n.state = Neighbor.INCOMPLETE;
                n.probes = 0;
            }
            if (n.heldCount >= Neighbor.QUEUE) {
                drop(s, DropReason.NEIGHBOR_QUEUE_FULL);
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
            setMac(f, a + Arp.SHA, mac);
            f.setInt(a + Arp.SPA, op.addr4.length > 0 ? op.addr4[0] : 0);
            setMac(f, a + Arp.THA, 0);
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
            setMac(f, icmp + 26, mac);
            Icmp6.updateChecksum(f, l3, icmp, 32);
        }
        op.io.send(f);
    }

    private static void setMac(ByteBuf b, int off, long mac) {
        b.setShort(off, (int) (mac >>> 32));
        b.setInt(off + 2, (int) mac);
    }

    private static long getMac(ByteBuf b, int off) {
        return ((long) b.getUnsignedShort(off) << 32) | b.getUnsignedInt(off + 2);
    }

    /**
     * Records a neighbor's MAC and sends what was waiting for it. Unless {@code create}, only an
     * entry that exists is updated (an unsolicited advertisement creates nothing, as in Linux).
     */
    private void learn(int port, long hi, long lo, long mac, boolean create) {
        Neighbor n = create ? neighbors.getOrCreate(port, hi, lo) : neighbors.get(port, hi, lo);
        if (n == null || n.state == Neighbor.PERMANENT) {
            return;
        }
        ByteBuf[] out;
        int count;
        synchronized (n) {
            n.mac = mac;
            n.state = Neighbor.REACHABLE;
            n.probes = 0;
            count = n.heldCount;
            if (count == 0) {
                return;
            }
            out = n.held.clone();
            java.util.Arrays.fill(n.held, null);
            n.heldCount = 0;
        }
        held.addAndGet(-count);
        PortState op = tables.port(port);
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

    /** {@code ip neigh add}: a PERMANENT entry; packets waiting for it leave now. */
    public void setStatic(int port, long hi, long lo, long mac) {
        Neighbor n = neighbors.getOrCreate(port, hi, lo);
        if (n.state == Neighbor.PERMANENT) {
            n.mac = mac;
            return;
        }
        learn(port, hi, lo, mac, true);
        n.state = Neighbor.PERMANENT;
    }

    /**
     * Retries and expires resolutions; called about every 250 ms from the control thread, work
     * runs on loop 0.
     */
    public void tick() {
        IoRuntime r = rt;
        if (r == null) {
            return;
        }
        long now = System.nanoTime();
        for (Neighbor n : neighbors.all()) {
            if (n.state != Neighbor.INCOMPLETE || n.probes == 0) {
                continue;
            }
            if (now - n.lastProbe < PROBE_INTERVAL_NANOS) {
                continue;
            }
            if (n.probes < MAX_PROBES) {
                n.probes++;
                n.lastProbe = now;
                r.execute(0, () -> {
                    PortState op = tables.port(n.port);
                    if (op != null && op.io.up()) {
                        solicit(op, n);
                    }
                });
            } else {
                r.execute(0, () -> fail(n));
            }
        }
    }

    /** The neighbor did not answer: drop what waited for it, with Destination Unreachable (address). */
    private void fail(Neighbor n) {
        ByteBuf[] out;
        int[] inPorts;
        int count;
        synchronized (n) {
            if (n.state != Neighbor.INCOMPLETE) {
                return;
            }
            n.state = Neighbor.FAILED;
            n.probes = 0;
            count = n.heldCount;
            out = n.held.clone();
            inPorts = n.heldInPort.clone();
            java.util.Arrays.fill(n.held, null);
            n.heldCount = 0;
        }
        held.addAndGet(-count);
        Loop s = loops[0];
        Tables t = tables;
        for (int i = 0; i < count; i++) {
            ByteBuf f = out[i];
            PacketContext ctx = s.ctx;
            ctx.reset(f, f.readerIndex() + Ethernet.LENGTH, inPorts[i], Tables.MAIN);
            PortState ip = t.port(inPorts[i]);
            s.in = ip == null ? null : ip.io;
            try {
                if (n.isV4()) {
                    icmp4Error(s, t, Icmp4.DEST_UNREACHABLE, Icmp4.UNREACH_HOST, 0, DropReason.NEIGHBOR_UNRESOLVED);
                } else {
                    icmp6Error(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_ADDRESS, 0,
                            DropReason.NEIGHBOR_UNRESOLVED);
                }
            } catch (RuntimeException e) {
                drops[DropReason.INTERNAL.ordinal()].increment();
            } finally {
                if (ctx.buf != null) {
                    ctx.buf.release();
                    ctx.buf = null;
                }
            }
        }
    }

    /** Frees the frames held for neighbors of a port that goes away. */
    public void forget(int port) {
        discard(neighbors.removeIf(x -> x.port == port));
    }

    /** Frees what a removed neighbor entry held. */
    public void discard(List<Neighbor> gone) {
        for (Neighbor n : gone) {
            synchronized (n) {
                for (int i = 0; i < n.heldCount; i++) {
                    n.held[i].release();
                    n.held[i] = null;
                    held.decrementAndGet();
                }
                n.heldCount = 0;
            }
        }
    }

    // ----------------------------------------------------------- local delivery

    /** @return the index of the upper-layer header of the IPv6 packet at l3, or -1 when truncated; sets {@code nhOut[0]} */
    private static int upperLayer(ByteBuf b, int l3, int end, int[] nhOut) {
        int nh = Ipv6.nextHeader(b, l3);
        int p = l3 + Ipv6.LENGTH;
        while (Ipv6.isExtensionHeader(nh) && nh != Ipv6.PROTO_FRAGMENT) {
            if (p + 2 > end) {
                return -1;
            }
            int next = b.getUnsignedByte(p);
            // AH counts 4-octet units minus 2 (RFC 4302 §2.2); the others 8-octet units minus 1
            p += nh == 51 ? 4 * (b.getUnsignedByte(p + 1) + 2) : 8 + 8 * b.getUnsignedByte(p + 1);
            nh = next;
        }
        if (p > end) {
            return -1;
        }
        nhOut[0] = nh;
        return p;
    }


    /**
     * The appliance's own upper layer for the IPv6 packet at l3: echo and NDP for its addresses;
     * with {@code fromSid} the RFC 8986 §4.1.1 rule (SPEC D2): echo answered from the SID, any
     * other upper layer gets Parameter Problem code 4 pointing at it.
     */
    private void local6(Loop s, Tables t, boolean fromSid) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        int[] nh = s.nh;
        int ul = upperLayer(b, l3, end, nh);
        if (ul < 0) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        if (!fromSid && ul > l3 + Ipv6.LENGTH) {
            // Linux with seg6_enabled off: an SRH with segments left is not for this node's upper layer
            int srh = org.srv6.appliance.api.packet.Srh.locate(b, l3, end);
            if (srh >= 0 && org.srv6.appliance.api.packet.Srh.segmentsLeft(b, srh) > 0) {
                drop(s, DropReason.SL_NOT_ZERO);
                return;
            }
        }
        if (nh[0] == Ipv6.PROTO_ICMPV6 && ul + 8 <= end) {
            if (Checksum.upperLayer6(b, l3, ul, end - ul, Ipv6.PROTO_ICMPV6) != 0) {
                drop(s, DropReason.BAD_CHECKSUM); // RFC 4443 §2.4: silently discarded
                return;
            }
            int type = Icmp6.type(b, ul);
            if (type == Icmp6.ECHO_REQUEST) {
                echoReply6(s, t, ul);
                return;
            }
            if (!fromSid && ul == l3 + Ipv6.LENGTH) {
                if (type == Icmp6.NEIGHBOR_SOLICITATION) {
                    PortState p = t.port(ctx.inPort);
                    if (p != null) {
                        neighborSolicitation(s, p);
                        return;
                    }
                } else if (type == Icmp6.NEIGHBOR_ADVERTISEMENT) {
                    neighborAdvertisement(s);
                    return;
                }
            }
        }
        if (fromSid) {
            icmp6Error(s, t, Icmp6.PARAMETER_PROBLEM, Icmp6.PARAM_SR_UPPER_LAYER, ul - l3, DropReason.UPPER_LAYER);
        } else if (nh[0] == Ipv6.PROTO_UDP) {
            icmp6Error(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_PORT, 0, DropReason.UPPER_LAYER);
        } else {
            drop(s, DropReason.UPPER_LAYER);
        }
    }

    private void multicast6(Loop s, Tables t, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int ul = l3 + Ipv6.LENGTH;
        int end = b.writerIndex();
        if (Ipv6.nextHeader(b, l3) == Ipv6.PROTO_ICMPV6 && ul + 8 <= end) {
            if (Checksum.upperLayer6(b, l3, ul, end - ul, Ipv6.PROTO_ICMPV6) != 0) {
                drop(s, DropReason.BAD_CHECKSUM);
                return;
            }
            int type = Icmp6.type(b, ul);
            if (type == Icmp6.NEIGHBOR_SOLICITATION) {
                neighborSolicitation(s, p);
                return;
            }
            if (type == Icmp6.NEIGHBOR_ADVERTISEMENT) {
                neighborAdvertisement(s);
                return;
            }
            if (type == Icmp6.ECHO_REQUEST && Ipv6.dstHi(b, l3) == 0xff02_0000_0000_0000L
                    && Ipv6.dstLo(b, l3) == 1) {
                // all-nodes echo: answer from the link-local address, like a host would
                echoReply6From(s, t, ul, p.llHi, p.llLo);
                return;
            }
        }
        drop(s, DropReason.NOT_FOR_US);
    }

    /** RFC 4861 §7.2.3-7.2.4: answer a solicitation for one of the port's addresses. */
    private void neighborSolicitation(Loop s, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        int icmp = l3 + Ipv6.LENGTH;
        if (icmp + 24 > end || Ipv6.hopLimit(b, l3) != 255 || Icmp6.code(b, icmp) != 0) {
            drop(s, DropReason.NOT_FOR_US);
            return;
        }
        long thi = b.getLong(icmp + 8);
        long tlo = b.getLong(icmp + 16);
        if (!p.owns6(thi, tlo)) {
            drop(s, DropReason.NOT_FOR_US);
            return;
        }
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        boolean unspecified = shi == 0 && slo == 0;
        long requester = Ethernet.srcMac(b, l3 - Ethernet.LENGTH);
        for (int o = icmp + 24; o + 8 <= end;) {
            int len = b.getUnsignedByte(o + 1) * 8;
            if (len == 0) {
                break;
            }
            if (b.getUnsignedByte(o) == Icmp6.OPT_SOURCE_LLADDR && len >= 8) {
                requester = getMac(b, o + 2);
            }
            o += len;
        }
        if (!unspecified) {
            learnStale(p.io.index(), shi, slo, requester);
        }
        // The advertisement is written over the solicitation.
        int flags = Icmp6.NA_ROUTER | Icmp6.NA_OVERRIDE | (unspecified ? 0 : Icmp6.NA_SOLICITED);
        b.writerIndex(icmp + 32);
        Ipv6.versionTcFlow(b, l3, 0, 0);
        Ipv6.payloadLength(b, l3, 32);
        Ipv6.nextHeader(b, l3, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(b, l3, 255);
        Ipv6.src(b, l3, thi, tlo);
        if (unspecified) {
            Ipv6.dst(b, l3, 0xff02_0000_0000_0000L, 1);
        } else {
            Ipv6.dst(b, l3, shi, slo);
        }
        b.setInt(icmp, Icmp6.NEIGHBOR_ADVERTISEMENT << 24);
        b.setInt(icmp + 4, flags << 24);
        b.setByte(icmp + 24, Icmp6.OPT_TARGET_LLADDR);
        b.setByte(icmp + 25, 1);
        setMac(b, icmp + 26, p.io.mac());
        Icmp6.updateChecksum(b, l3, icmp, 32);
        transmit(s, p, unspecified ? MAC_ALL_NODES : requester, Ethernet.TYPE_IPV6);
    }

    /** A solicitation's sender becomes a neighbor (STALE in Linux terms: known, not confirmed). */
    private void learnStale(int port, long hi, long lo, long mac) {
        Neighbor n = neighbors.get(port, hi, lo);
        if (n != null && n.mac == mac && n.state != Neighbor.INCOMPLETE) {
            return;
        }
        learn(port, hi, lo, mac, true);
    }

    private void neighborAdvertisement(Loop s) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        int icmp = l3 + Ipv6.LENGTH;
        if (icmp + 24 > end || Ipv6.hopLimit(b, l3) != 255) {
            drop(s, DropReason.NOT_FOR_US);
            return;
        }
        long thi = b.getLong(icmp + 8);
        long tlo = b.getLong(icmp + 16);
        long mac = Ethernet.srcMac(b, l3 - Ethernet.LENGTH);
        for (int o = icmp + 24; o + 8 <= end;) {
            int len = b.getUnsignedByte(o + 1) * 8;
            if (len == 0) {
                break;
            }
            if (b.getUnsignedByte(o) == Icmp6.OPT_TARGET_LLADDR && len >= 8) {
                mac = getMac(b, o + 2);
            }
            o += len;
        }
        int port = ctx.inPort;
        release(s);
        learn(port, thi, tlo, mac, false);
    }

    private void echoReply6(Loop s, Tables t, int ul) {
        ByteBuf b = s.ctx.buf;
        int l3 = s.ctx.l3;
        echoReply6From(s, t, ul, Ipv6.dstHi(b, l3), Ipv6.dstLo(b, l3));
    }

    /** Turns the echo request at {@code ul} into a reply from hi:lo, written over the request. */
    private void echoReply6From(Loop s, Tables t, int ul, long fromHi, long fromLo) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        if ((shi >>> 56) == 0xff || (shi == 0 && slo == 0)) {
            drop(s, DropReason.BAD_IP_HEADER);
            return;
        }
        int tc = Ipv6.trafficClass(b, l3);
        int len = b.writerIndex() - ul;
        int nl3 = ul - Ipv6.LENGTH;
        Ipv6.versionTcFlow(b, nl3, tc, 0);
        Ipv6.payloadLength(b, nl3, len);
        Ipv6.nextHeader(b, nl3, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(b, nl3, 64);
        Ipv6.src(b, nl3, fromHi, fromLo);
        Ipv6.dst(b, nl3, shi, slo);
        b.setByte(ul + Icmp6.TYPE, Icmp6.ECHO_REPLY);
        Icmp6.updateChecksum(b, nl3, ul, len);
        ctx.l3 = nl3;
        b.readerIndex(nl3 - Ethernet.LENGTH);
        originate6(s, t);
    }

    /** Sends a packet the appliance made (reply, error): route its destination, no hop-limit decrement. */
    private void originate6(Loop s, Tables t) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        long dhi = Ipv6.dstHi(b, l3);
        long dlo = Ipv6.dstLo(b, l3);
        if (PortState.isLinkLocal(dhi)) {
            PortState p = t.port(ctx.inPort);
            if (p == null || !p.io.up()) {
                drop(s, DropReason.PORT_DOWN);
                return;
            }
            output(s, p, dhi, dlo, Ethernet.TYPE_IPV6);
            return;
        }
        PortState ip = t.port(ctx.inPort);
        Route r = t.lookup6(ip == null ? Tables.MAIN : ip.table, dhi, dlo);
        if (r == null) {
            drop(s, DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.UNICAST -> {
                PortState op = t.port(r.port);
                if (op == null || !op.io.up()) {
                    drop(s, DropReason.PORT_DOWN);
                    return;
                }
                output(s, op, r.hasVia ? r.viaHi : dhi, r.hasVia ? r.viaLo : dlo, Ethernet.TYPE_IPV6);
            }
            case Route.STEER -> behavior(s, t, r, MAX_DEPTH - 2);
            default -> drop(s, DropReason.NO_ROUTE);
        }
    }

    private void local4(Loop s, Tables t) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int ihl = Ipv4.headerLength(b, l3);
        int end = b.writerIndex();
        int proto = Ipv4.protocol(b, l3);
        if (proto == Ipv4.PROTO_ICMP && l3 + ihl + 8 <= end && Icmp4.type(b, l3 + ihl) == Icmp4.ECHO_REQUEST) {
            int src = Ipv4.src(b, l3);
            int dst = Ipv4.dst(b, l3);
            Ipv4.src(b, l3, dst);
            Ipv4.dst(b, l3, src);
            b.setByte(l3 + Ipv4.TTL, 64);
            b.setShort(l3 + Ipv4.FLAGS_FRAG, 0);
            Ipv4.updateChecksum(b, l3);
            b.setByte(l3 + ihl + Icmp4.TYPE, Icmp4.ECHO_REPLY);
            Icmp4.updateChecksum(b, l3 + ihl, end - l3 - ihl);
            originate4(s, t);
            return;
        }
        if (proto == Ipv4.PROTO_UDP) {
            icmp4Error(s, t, Icmp4.DEST_UNREACHABLE, 3, 0, DropReason.UPPER_LAYER);
            return;
        }
        drop(s, DropReason.UPPER_LAYER);
    }

    private void originate4(Loop s, Tables t) {
        PacketContext ctx = s.ctx;
        int dst = Ipv4.dst(ctx.buf, ctx.l3);
        PortState ip = t.port(ctx.inPort);
        Route r = t.lookup4(ip == null ? Tables.MAIN : ip.table, dst);
        if (r == null) {
            drop(s, DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.UNICAST -> {
                PortState op = t.port(r.port);
                if (op == null || !op.io.up()) {
                    drop(s, DropReason.PORT_DOWN);
                    return;
                }
                output(s, op, Neighbor.V4, (r.hasVia ? r.via4 : dst) & 0xffff_ffffL, Ethernet.TYPE_IPV4);
            }
            case Route.STEER -> behavior(s, t, r, MAX_DEPTH - 2);
            default -> drop(s, DropReason.NO_ROUTE);
        }
    }

    private void arpIn(Loop s, Tables t, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int a = ctx.l3;
        if (b.writerIndex() - a < Arp.LENGTH) {
            drop(s, DropReason.TRUNCATED);
            return;
        }
        if (!Arp.isEthernetIpv4(b, a)) {
            drop(s, DropReason.BAD_IP_HEADER);
            return;
        }
        int op = Arp.oper(b, a);
        int spa = Arp.senderIp(b, a);
        long sha = Arp.senderMac(b, a);
        int tpa = Arp.targetIp(b, a);
        int port = p.io.index();
        if (p.owns4(tpa)) {
            if (spa != 0) {
                learn(port, Neighbor.V4, spa & 0xffff_ffffL, sha, true);
            }
            if (op == Arp.REQUEST) {
                b.writerIndex(a + Arp.LENGTH);
                b.setShort(a + Arp.OPER, Arp.REPLY);
                setMac(b, a + Arp.THA, sha);
                b.setInt(a + Arp.TPA, spa);
                setMac(b, a + Arp.SHA, p.io.mac());
                b.setInt(a + Arp.SPA, tpa);
                transmit(s, p, sha, Ethernet.TYPE_ARP);
                return;
            }
            release(s);
            return;
        }
        release(s);
        if (spa != 0) {
            learn(port, Neighbor.V4, spa & 0xffff_ffffL, sha, false);
        }
    }

    // ----------------------------------------------------------------- errors

    /**
     * RFC 4443 §2.4: an ICMPv6 error about the packet at l3, from the ingress port's address, hop
     * limit 64, quoting as much as fits in 1280 bytes; rate-limited per port; never about an
     * ICMPv6 error or a packet from a multicast or unspecified source.
     */
    private void icmp6Error(Loop s, Tables t, int type, int code, int param, DropReason reason) {
        PacketContext ctx = s.ctx;
        count(s, reason);
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv6.LENGTH || Ipv6.version(b, l3) != 6) {
            release(s);
            return;
        }
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        long dhi = Ipv6.dstHi(b, l3);
        if ((shi >>> 56) == 0xff || (shi == 0 && slo == 0)
                || ((dhi >>> 56) == 0xff && type != Icmp6.PACKET_TOO_BIG)) {
            release(s);
            return;
        }
        int[] nh = s.nh;
        int ul = upperLayer(b, l3, end, nh);
        if (ul >= 0 && nh[0] == Ipv6.PROTO_ICMPV6 && (ul >= end || Icmp6.isError(b.getUnsignedByte(ul)))) {
            release(s);
            return;
        }
        PortState in = t.port(ctx.inPort);
        if (in == null) {
            release(s);
            return;
        }
        if (!in.icmpLimit.tryAcquire()) {
            drops[DropReason.ICMP_RATE_LIMITED.ordinal()].increment();
            release(s);
            return;
        }
        int quote = Math.min(end - l3, Icmp6.MIN_MTU - Ipv6.LENGTH - 8);
        ByteBuf e = rt.newFrame();
        int o = e.writerIndex() + Ethernet.LENGTH;
        e.writerIndex(o + Ipv6.LENGTH + 8 + quote);
        Ipv6.versionTcFlow(e, o, 0, 0);
        Ipv6.payloadLength(e, o, 8 + quote);
        Ipv6.nextHeader(e, o, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(e, o, 64);
        if (in.hi6.length > 0) {
            Ipv6.src(e, o, in.hi6[0], in.lo6[0]);
        } else {
            Ipv6.src(e, o, in.llHi, in.llLo);
        }
        Ipv6.dst(e, o, shi, slo);
        int icmp = o + Ipv6.LENGTH;
        e.setByte(icmp + Icmp6.TYPE, type);
        e.setByte(icmp + Icmp6.CODE, code);
        e.setShort(icmp + Icmp6.CHECKSUM, 0);
        e.setInt(icmp + Icmp6.PARAM, param);
        e.setBytes(icmp + 8, b, l3, quote);
        Icmp6.updateChecksum(e, o, icmp, 8 + quote);
        b.release();
        ctx.buf = e;
        ctx.l3 = o;
        e.readerIndex(o - Ethernet.LENGTH);
        originate6(s, t);
    }

    /** RFC 1812 §4.3.2: an ICMP error about the IPv4 packet at l3, from the ingress port's address. */
    private void icmp4Error(Loop s, Tables t, int type, int code, int param, DropReason reason) {
        PacketContext ctx = s.ctx;
        count(s, reason);
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv4.MIN_LENGTH || Ipv4.version(b, l3) != 4) {
            release(s);
            return;
        }
        int src = Ipv4.src(b, l3);
        int ihl = Ipv4.headerLength(b, l3);
        if (src == 0 || src == -1 || (src >>> 28) == 0xe
                || (b.getUnsignedShort(l3 + Ipv4.FLAGS_FRAG) & 0x1fff) != 0) {
            release(s);
            return;
        }
        if (Ipv4.protocol(b, l3) == Ipv4.PROTO_ICMP && l3 + ihl < end) {
            int it = b.getUnsignedByte(l3 + ihl);
            if (it != Icmp4.ECHO_REQUEST && it != Icmp4.ECHO_REPLY) {
                release(s);
                return;
            }
        }
        PortState in = t.port(ctx.inPort);
        if (in == null || in.addr4.length == 0) {
            release(s);
            return;
        }
        if (!in.icmpLimit.tryAcquire()) {
            drops[DropReason.ICMP_RATE_LIMITED.ordinal()].increment();
            release(s);
            return;
        }
        int quote = Math.min(end - l3, 576 - 28);
        ByteBuf e = rt.newFrame();
        int o = e.writerIndex() + Ethernet.LENGTH;
        e.writerIndex(o + 28 + quote);
        e.setByte(o, 0x45);
        e.setByte(o + Ipv4.TOS, 0);
        e.setShort(o + Ipv4.TOTAL_LENGTH, 28 + quote);
        e.setShort(o + Ipv4.ID, 0);
        e.setShort(o + Ipv4.FLAGS_FRAG, 0);
        e.setByte(o + Ipv4.TTL, 64);
        e.setByte(o + Ipv4.PROTOCOL, Ipv4.PROTO_ICMP);
        Ipv4.src(e, o, in.addr4[0]);
        Ipv4.dst(e, o, src);
        Ipv4.updateChecksum(e, o);
        int icmp = o + 20;
        e.setByte(icmp + Icmp4.TYPE, type);
        e.setByte(icmp + Icmp4.CODE, code);
        e.setShort(icmp + Icmp4.CHECKSUM, 0);
        e.setInt(icmp + Icmp4.PARAM, type == Icmp4.PARAMETER_PROBLEM ? param << 24 : param & 0xffff);
        e.setBytes(icmp + 8, b, l3, quote);
        Icmp4.updateChecksum(e, icmp, 8 + quote);
        b.release();
        ctx.buf = e;
        ctx.l3 = o;
        e.readerIndex(o - Ethernet.LENGTH);
        originate4(s, t);
    }

    // ---------------------------------------------------------------- helpers

    private void count(Loop s, DropReason reason) {
        drops[reason.ordinal()].increment();
        if (s.in != null) {
            s.in.rxDropped.increment();
        }
    }

    private void drop(Loop s, DropReason reason) {
        count(s, reason);
        release(s);
    }

    private static void release(Loop s) {
        PacketContext ctx = s.ctx;
        if (ctx.buf != null) {
            ctx.buf.release();
            ctx.buf = null;
        }
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
