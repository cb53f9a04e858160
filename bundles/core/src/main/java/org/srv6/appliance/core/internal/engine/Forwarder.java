package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;

/**
 * Forwarding and output: the next hop of a verdict, IP forwarding (source checks, hop limit /
 * TTL, MTU), the output of packets the appliance made (replies and ICMP errors: routed, not
 * decremented), and the Ethernet rewrite and transmit to a resolved neighbor. An unresolved
 * neighbor hands the packet to the {@link NeighborResolver}.
 */
final class Forwarder {
    private NeighborTable neighbors;
    private NeighborResolver resolver;
    private VerdictExecutor verdicts;
    private IcmpErrors errors;

    void wire(NeighborTable neighbors, NeighborResolver resolver, VerdictExecutor verdicts, IcmpErrors errors) {
        this.neighbors = neighbors;
        this.resolver = resolver;
        this.verdicts = verdicts;
        this.errors = errors;
    }

    /**
     * The adjacency of a FORWARD_NH / L2_NH verdict: {@code ctx.nextHop6} ({@code v6}) or
     * {@code ctx.nextHop4}, out {@code ctx.outPort}, else out the port of the unicast route to it
     * (through that route's gateway). Leaves the neighbor key in {@code s.nhHi}/{@code s.nhLo}.
     *
     * @return the output port, or -1 when there is no unicast route to the next hop
     */
    static int nextHop(Loop s, Tables t, boolean v6) {
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
        Multipath m = nr.paths;
        if (m != null) {
            int i = m.select(Multipath.hash(ctx.buf, ctx.l3), t);
            if (m.hasVia(i)) {
                s.nhHi = v6 ? m.viaHi(i) : Neighbor.V4;
                s.nhLo = v6 ? m.viaLo(i) : m.via4(i) & 0xffff_ffffL;
            }
            return m.port(i);
        }
        if (nr.hasVia) {
            s.nhHi = v6 ? nr.viaHi : Neighbor.V4;
            s.nhLo = v6 ? nr.viaLo : nr.via4 & 0xffff_ffffL;
        }
        return nr.port;
    }

    /** IP forwarding of the IPv6 header at l3: hop limit, MTU, decrement, out. */
    void forward6(Loop s, Tables t, int port, long nhHi, long nhLo) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        if ((shi == 0 && (slo == 0 || slo == 1)) || PortState.isLinkLocal(shi)) {
            // unspecified, loopback and link-local sources never leave their link (RFC 4291 §2.5)
            s.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        int hl = Ipv6.hopLimit(b, l3);
        if (hl <= 1) {
            errors.icmp6(s, t, Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
            return;
        }
        PortState op = t.port(port);
        if (op == null || !op.io.up()) {
            s.drop(DropReason.PORT_DOWN);
            return;
        }
        int mtu = op.io.mtu();
        if (ctx.l3Length() > mtu) {
            errors.icmp6(s, t, Icmp6.PACKET_TOO_BIG, 0, mtu, DropReason.MTU_EXCEEDED);
            return;
        }
        Ipv6.hopLimit(b, l3, hl - 1);
        output(s, op, nhHi, nhLo, Ethernet.TYPE_IPV6);
    }

    void forward4(Loop s, Tables t, int port, int nh) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int src = Ipv4.src(b, l3);
        int top = src >>> 24;
        if (src == 0 || top == 127 || (src >>> 28) == 0xe || src == -1) {
            // martian sources (RFC 1812 §5.3.7): this network, loopback, multicast, broadcast
            s.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        if (Ipv4.ttl(b, l3) <= 1) {
            errors.icmp4(s, t, Icmp4.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
            return;
        }
        PortState op = t.port(port);
        if (op == null || !op.io.up()) {
            s.drop(DropReason.PORT_DOWN);
            return;
        }
        int mtu = op.io.mtu();
        if (ctx.l3Length() > mtu) {
            if (Ipv4.dontFragment(b, l3)) {
                errors.icmp4(s, t, Icmp4.DEST_UNREACHABLE, Icmp4.UNREACH_FRAG_NEEDED, mtu, DropReason.MTU_EXCEEDED);
            } else {
                s.drop(DropReason.MTU_EXCEEDED);
            }
            return;
        }
        Ipv4.decrementTtl(b, l3);
        output(s, op, Neighbor.V4, nh & 0xffff_ffffL, Ethernet.TYPE_IPV4);
    }

    /** Sends the packet at l3 to the neighbor (hi, lo) on {@code op}, resolving it first if needed. */
    void output(Loop s, PortState op, long hi, long lo, int etherType) {
        Neighbor n = neighbors.get(op.io.index(), hi, lo);
        if (n != null) {
            long mac = n.mac;
            if (mac >= 0) {
                if (n.state == Neighbor.STALE && !n.used) {
                    n.used = true; // RFC 4861 §7.3.3: the tick moves it to DELAY
                }
                transmit(s, op, mac, etherType);
                return;
            }
        }
        resolver.hold(s, op, hi, lo, etherType);
    }

    /** Writes the Ethernet header in front of l3 and hands the frame to the port. */
    static void transmit(Loop s, PortState op, long mac, int etherType) {
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

    /** Sends a packet the appliance made (reply, error): route its destination, no hop-limit decrement. */
    void originate6(Loop s, Tables t) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        long dhi = Ipv6.dstHi(b, l3);
        long dlo = Ipv6.dstLo(b, l3);
        if (PortState.isLinkLocal(dhi)) {
            PortState p = t.port(ctx.inPort);
            if (p == null || !p.io.up()) {
                s.drop(DropReason.PORT_DOWN);
                return;
            }
            output(s, p, dhi, dlo, Ethernet.TYPE_IPV6);
            return;
        }
        PortState ip = t.port(ctx.inPort);
        Route r = t.lookup6(ip == null ? Tables.MAIN : ip.table, dhi, dlo);
        if (r == null) {
            s.drop(DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.UNICAST -> {
                PortState op = t.port(r.port);
                if (op == null || !op.io.up()) {
                    s.drop(DropReason.PORT_DOWN);
                    return;
                }
                output(s, op, r.hasVia ? r.viaHi : dhi, r.hasVia ? r.viaLo : dlo, Ethernet.TYPE_IPV6);
            }
            case Route.STEER -> verdicts.behavior(s, t, r, VerdictExecutor.MAX_DEPTH - 2, false);
            default -> s.drop(DropReason.NO_ROUTE);
        }
    }

    /** {@link #originate6} for IPv4. */
    void originate4(Loop s, Tables t) {
        PacketContext ctx = s.ctx;
        int dst = Ipv4.dst(ctx.buf, ctx.l3);
        PortState ip = t.port(ctx.inPort);
        Route r = t.lookup4(ip == null ? Tables.MAIN : ip.table, dst);
        if (r == null) {
            s.drop(DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.UNICAST -> {
                PortState op = t.port(r.port);
                if (op == null || !op.io.up()) {
                    s.drop(DropReason.PORT_DOWN);
                    return;
                }
                output(s, op, Neighbor.V4, (r.hasVia ? r.via4 : dst) & 0xffff_ffffL, Ethernet.TYPE_IPV4);
            }
            case Route.STEER -> verdicts.behavior(s, t, r, VerdictExecutor.MAX_DEPTH - 2, false);
            default -> s.drop(DropReason.NO_ROUTE);
        }
    }
}
