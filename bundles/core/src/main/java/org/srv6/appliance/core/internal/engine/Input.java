package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.log.RateLimitedLog;

/**
 * The first stage of the packet path: a received frame's Ethernet demux, the IPv6 and IPv4
 * header checks, the FIB lookup, the claim/steer diversion and the dispatch of a route (local,
 * SID, steering, unicast). Owns the frame's life cycle: whatever a later stage leaves in
 * {@code ctx.buf} is released here, and nothing thrown leaves {@link #onFrame}.
 */
final class Input {
    private final Engine engine;
    private final RateLimitedLog failed = new RateLimitedLog();
    private VerdictExecutor verdicts;
    private Forwarder forwarder;
    private LocalDelivery local;
    private IcmpErrors errors;
    private Punt punt;

    Input(Engine engine) {
        this.engine = engine;
    }

    void wire(VerdictExecutor verdicts, Forwarder forwarder, LocalDelivery local, IcmpErrors errors) {
        this.verdicts = verdicts;
        this.forwarder = forwarder;
        this.local = local;
        this.errors = errors;
    }

    void punt(Punt p) {
        this.punt = p;
    }

    void onFrame(Loop s, IoPort port, ByteBuf frame) {
        PacketContext ctx = s.ctx;
        s.in = port;
        s.mirror = port.mirror;
        s.route = null;
        ctx.buf = frame;
        ctx.wholeFrame = false;
        try {
            input(s, port, frame);
        } catch (Throwable t) {
            s.tally(DropReason.INTERNAL);
            port.rxDropped.increment();
            Route r = s.route;
            failed.error(() -> "packet path failed on a frame from " + port.name()
                    + (r == null ? "" : " in SID " + r.prefix()) + "; the frame was dropped (internal)", t);
        } finally {
            if (ctx.buf != null) {
                ctx.buf.release();
                ctx.buf = null;
            }
        }
    }

    private void input(Loop s, IoPort io, ByteBuf b) {
        Tables t = engine.tables();
        PacketContext ctx = s.ctx;
        PortState p = t.port(io.index());
        if (p == null || p.io != io || !io.up()) {
            s.drop(DropReason.PORT_DOWN);
            return;
        }
        int start = b.readerIndex();
        if (b.writerIndex() - start < Ethernet.LENGTH) {
            s.drop(DropReason.TRUNCATED);
            return;
        }
        if (p.steerL2) {
            // the port is an attachment circuit: every frame, whatever its type and destination MAC,
            // is carried whole; the appliance itself answers nothing here
            ctx.reset(b, start + Ethernet.LENGTH, io.index(), p.table);
            verdicts.behavior(s, t, p.steer, 0, false);
            return;
        }
        long dmac = Ethernet.dstMac(b, start);
        int type = Ethernet.type(b, start);
        if (p.claim != null && dmac != io.mac()
                && (!Ethernet.isMulticast(dmac) || !answeredHere(p, b, start + Ethernet.LENGTH, type))) {
            // a port claimed by a proxy SID: what its service sends to another MAC, or to a group
            // address and not ARP/NDP for the appliance's own addresses, goes back to the proxy whole
            ctx.reset(b, start + Ethernet.LENGTH, io.index(), p.table);
            ctx.wholeFrame = true;
            verdicts.behavior(s, t, p.claim, 0, true);
            return;
        }
        if (dmac != io.mac() && !Ethernet.isMulticast(dmac)) {
            s.drop(DropReason.NOT_FOR_US);
            return;
        }
        ctx.reset(b, start + Ethernet.LENGTH, io.index(), p.table);
        switch (type) {
            case Ethernet.TYPE_IPV6 -> ipv6In(s, t, p);
            case Ethernet.TYPE_IPV4 -> ipv4In(s, t, p);
            case Ethernet.TYPE_ARP -> local.arpIn(s, p);
            default -> {
                if (p.claim != null) {
                    ctx.wholeFrame = true; // not IP: an L2 service's frame, taken whole
                    verdicts.behavior(s, t, p.claim, 0, true);
                } else if (!punt.whole(s)) { // IS-IS, LLDP … are the control plane's
                    s.drop(DropReason.BAD_ETHERTYPE);
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
            s.drop(DropReason.TRUNCATED);
            return;
        }
        if (Ipv6.version(b, l3) != 6) {
            s.drop(DropReason.BAD_IP_VERSION);
            return;
        }
        int total = Ipv6.LENGTH + Ipv6.payloadLength(b, l3);
        if (l3 + total > end) {
            s.drop(DropReason.TRUNCATED);
            return;
        }
        b.writerIndex(l3 + total); // Ethernet padding is not part of the packet
        if ((Ipv6.srcHi(b, l3) >>> 56) == 0xff) {
            s.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        long dhi = Ipv6.dstHi(b, l3);
        long dlo = Ipv6.dstLo(b, l3);
        if ((dhi >>> 56) == 0xff) {
            local.multicast6(s, t, p);
            return;
        }
        Route r = t.lookup6(p.table, dhi, dlo);
        if (!diverted(s, t, p, r)) {
            dispatch6(s, t, r, 0);
        }
    }

    /** Carries out the route an IPv6 packet matched; {@code depth} counts verdicts that re-dispatched it. */
    void dispatch6(Loop s, Tables t, Route r, int depth) {
        if (depth > 0) {
            s.mirror = null; // what a behavior made is not the frame the port received
        }
        if (r == null) {
            errors.icmp6(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_NO_ROUTE, 0, DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.LOCAL -> local.local6(s, t, false);
            case Route.SID, Route.STEER -> verdicts.behavior(s, t, r, depth, false);
            default -> {
                ByteBuf b = s.ctx.buf;
                int l3 = s.ctx.l3;
                Multipath m = r.paths;
                if (m != null) {
                    int i = m.select(Multipath.hash6(b, l3), t);
                    boolean gw = m.hasVia(i);
                    forwarder.forward6(s, t, m.port(i), gw ? m.viaHi(i) : Ipv6.dstHi(b, l3),
                            gw ? m.viaLo(i) : Ipv6.dstLo(b, l3));
                    return;
                }
                long nhHi = r.hasVia ? r.viaHi : Ipv6.dstHi(b, l3);
                long nhLo = r.hasVia ? r.viaLo : Ipv6.dstLo(b, l3);
                forwarder.forward6(s, t, r.port, nhHi, nhLo);
            }
        }
    }

    private void ipv4In(Loop s, Tables t, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv4.MIN_LENGTH) {
            s.drop(DropReason.TRUNCATED);
            return;
        }
        if (Ipv4.version(b, l3) != 4) {
            s.drop(DropReason.BAD_IP_VERSION);
            return;
        }
        int ihl = Ipv4.headerLength(b, l3);
        int total = Ipv4.totalLength(b, l3);
        if (ihl < Ipv4.MIN_LENGTH || total < ihl) {
            s.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        if (l3 + total > end) {
            s.drop(DropReason.TRUNCATED);
            return;
        }
        if (!Ipv4.checksumOk(b, l3)) {
            s.drop(DropReason.BAD_CHECKSUM);
            return;
        }
        b.writerIndex(l3 + total);
        int dst = Ipv4.dst(b, l3);
        if ((dst >>> 28) == 0xe || dst == -1) {
            if (!punt.whole(s)) {
                s.drop(DropReason.NOT_FOR_US);
            }
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
            verdicts.behavior(s, t, p.claim, 0, true);
            return true;
        }
        if (p.steer != null) {
            verdicts.behavior(s, t, p.steer, 0, false);
            return true;
        }
        return false;
    }

    /**
     * A group-addressed frame on a claimed port that the appliance answers itself: ARP for one of
     * the port's IPv4 addresses, a Neighbor Solicitation for one of its IPv6 addresses, a Neighbor
     * Advertisement (the resolution of the service's own address).
     */
    private static boolean answeredHere(PortState p, ByteBuf b, int l3, int type) {
        int end = b.writerIndex();
        if (type == Ethernet.TYPE_ARP) {
            return end - l3 >= Arp.LENGTH && p.owns4(Arp.targetIp(b, l3));
        }
        if (type != Ethernet.TYPE_IPV6 || end - l3 < Ipv6.LENGTH + 24
                || Ipv6.nextHeader(b, l3) != Ipv6.PROTO_ICMPV6) {
            return false;
        }
        int ul = l3 + Ipv6.LENGTH;
        int icmp = Icmp6.type(b, ul);
        if (icmp == Icmp6.NEIGHBOR_ADVERTISEMENT) {
            return true;
        }
        return icmp == Icmp6.NEIGHBOR_SOLICITATION && p.owns6(b.getLong(ul + 8), b.getLong(ul + 16));
    }

    /** Carries out the route an IPv4 packet matched. */
    void dispatch4(Loop s, Tables t, Route r, int depth) {
        if (depth > 0) {
            s.mirror = null;
        }
        if (r == null) {
            errors.icmp4(s, t, Icmp4.DEST_UNREACHABLE, Icmp4.UNREACH_NET, 0, DropReason.NO_ROUTE);
            return;
        }
        switch (r.kind) {
            case Route.LOCAL -> local.local4(s, t);
            case Route.STEER -> verdicts.behavior(s, t, r, depth, false);
            case Route.SID -> s.drop(DropReason.NO_ROUTE);
            default -> {
                Multipath m = r.paths;
                if (m != null) {
                    int i = m.select(Multipath.hash4(s.ctx.buf, s.ctx.l3), t);
                    forwarder.forward4(s, t, m.port(i), m.hasVia(i) ? m.via4(i) : Ipv4.dst(s.ctx.buf, s.ctx.l3));
                    return;
                }
                forwarder.forward4(s, t, r.port, r.hasVia ? r.via4 : Ipv4.dst(s.ctx.buf, s.ctx.l3));
            }
        }
    }
}
