package org.srv6.appliance.api.behavior;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * The endpoint processing that End, End.X and End.T share (RFC 8986 §4.1 S01-S16 with the
 * §4.16 flavors PSP, USP and USD; RFC 9800 NEXT-CSID is {@link NextCsid}): static,
 * allocation-free, never throws for any input.
 */
public final class Endpoint {
    /** Flavor bits for {@link #advance}. */
    public static final int PSP = 1;
    public static final int USP = 2;
    public static final int USD = 4;

    private Endpoint() {
    }

    /** @return the flavor bits of a configuration's flavor set */
    public static int flavorBits(java.util.Set<Flavor> flavors) {
        int bits = 0;
        if (flavors.contains(Flavor.PSP)) {
            bits |= PSP;
        }
        if (flavors.contains(Flavor.USP)) {
            bits |= USP;
        }
        if (flavors.contains(Flavor.USD)) {
            bits |= USD;
        }
        return bits;
    }

    /**
     * Runs the SRH part of the End behavior on the IPv6 header at {@code ctx.l3}.
     *
     * @return {@link Verdict#FORWARD} when the packet was rewritten and the caller decides where
     *         it goes (table or adjacency); any other verdict is final and already filled in
     */
    public static Verdict advance(PacketContext ctx, int flavors) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 + Ipv6.LENGTH > end || Ipv6.version(b, l3) != 6) {
            return ctx.drop(DropReason.BAD_IP_HEADER);
        }
        int srh = Srh.locate(b, l3, end);
        if (srh == Srh.TRUNCATED) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (srh == Srh.ABSENT) {
            // §4.16.3: USD decapsulates an inner IPv6/IPv4 packet also without SRH.
            if ((flavors & USD) != 0) {
                Verdict d = decapsulate(ctx, end);
                if (d != null) {
                    return d;
                }
            }
            // The kernel's input_action_end drops a packet without SRH.
            return ctx.drop(DropReason.NO_SRH);
        }
        int v = Srh.validate(b, srh, end);
        if (v == Srh.MALFORMED) {
            // SPEC D1, RFC 8754 §4.3.1.1: pointer at Segments Left.
            return ctx.icmpError(Icmp6.PARAMETER_PROBLEM, Icmp6.PARAM_ERRONEOUS_FIELD,
                    srh - l3 + Srh.SEGMENTS_LEFT, DropReason.SRH_MALFORMED);
        }
        if (v != Srh.OK) {
            return ctx.drop(DropReason.SRH_OVERRUN);
        }
        int sl = Srh.segmentsLeft(b, srh);
        if (sl == 0) {
            // S01-S03 of §4.1 upper-layer branch, with the §4.16.2 USP and §4.16.3 USD variants.
            if ((flavors & USD) != 0) {
                Verdict d = decapsulate(ctx, end);
                if (d != null) {
                    return d;
                }
            }
            if ((flavors & USP) != 0) {
                removeSrh(ctx, srh);
            }
            return Verdict.LOCAL;
        }
        // S04-S07: hop limit checked before any rewrite (SPEC D3).
        if (Ipv6.hopLimit(b, l3) <= 1) {
            return ctx.icmpError(Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
        }
        // S08-S15: SL--, DA = Segment List[SL].
        sl--;
        Srh.segmentsLeft(b, srh, sl);
        Ipv6.dst(b, l3, Srh.segmentHi(b, srh, sl), Srh.segmentLo(b, srh, sl));
        if (sl == 0 && (flavors & PSP) != 0) {
            // §4.16.1 S14.1-S14.4: the penultimate SID pops the SRH.
            removeSrh(ctx, srh);
        }
        return Verdict.FORWARD;
    }

    /**
     * §4.16.3 USD upper-layer processing, S01-S03: when the upper-layer header is IPv6 (41) or
     * IPv4 (4), removes the outer IPv6 header with all its extension headers; the exposed packet
     * is at l3, checked as IP input checks it (an IPv4 packet is cut to its Total Length).
     *
     * @return {@link Verdict#FORWARD}, a drop, or null when the upper layer is not IP
     */
    static Verdict decapsulate(PacketContext ctx, int end) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int field = l3 + Ipv6.NEXT_HEADER;
        int p = l3 + Ipv6.LENGTH;
        int nh = b.getUnsignedByte(field);
        while (nh == Ipv6.PROTO_HOPOPTS || nh == Ipv6.PROTO_DSTOPTS || nh == Ipv6.PROTO_ROUTING) {
            if (p + 2 > end) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            nh = b.getUnsignedByte(p);
            p += 8 + 8 * b.getUnsignedByte(p + 1);
        }
        if (nh == Ipv6.PROTO_IPV6) {
            if (p + Ipv6.LENGTH > end) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (Ipv6.version(b, p) != 6) {
                return ctx.drop(DropReason.BAD_IP_VERSION);
            }
        } else if (nh == Ipv6.PROTO_IPV4) {
            if (p + Ipv4.MIN_LENGTH > end) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (Ipv4.version(b, p) != 4) {
                return ctx.drop(DropReason.BAD_IP_VERSION);
            }
            int ihl = Ipv4.headerLength(b, p);
            int total = Ipv4.totalLength(b, p);
            if (ihl < Ipv4.MIN_LENGTH || total < ihl) {
                return ctx.drop(DropReason.BAD_IP_HEADER);
            }
            if (p + total > end) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (!Ipv4.checksumOk(b, p)) {
                return ctx.drop(DropReason.BAD_CHECKSUM);
            }
            b.writerIndex(p + total);
        } else {
            return null;
        }
        ctx.stripTo(p);
        return Verdict.FORWARD;
    }

    /**
     * Hands the packet at l3 to the layer-3 adjacency {@code nh6} [out {@code outPort}] (End.X
     * S16; with USD, §4.16.3 End.X S03 "forward the exposed IP packet to the L3 adjacency J"): an
     * IPv6 packet as {@link Verdict#FORWARD_NH6}; an IPv4 packet exposed by USD goes to the same
     * IPv6 neighbor with its TTL decremented here (Time Exceeded at TTL <= 1) as
     * {@link Verdict#L2_NH6}, since FORWARD_NH6 forwards an IPv6 header.
     */
    public static Verdict toAdjacency6(PacketContext ctx, byte[] nh6, int outPort) {
        System.arraycopy(nh6, 0, ctx.nextHop6, 0, 16);
        ctx.outPort = outPort;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        if ((b.getUnsignedByte(l3) >>> 4) != 4) {
            return Verdict.FORWARD_NH6;
        }
        if (Ipv4.ttl(b, l3) <= 1) {
            return ctx.icmpError(Icmp4.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
        }
        Ipv4.decrementTtl(b, l3);
        ctx.etherType = Ethernet.TYPE_IPV4;
        return Verdict.L2_NH6;
    }

    /** Removes the SRH at {@code srh}, fixing the previous Next Header and the payload length. */
    public static void removeSrh(PacketContext ctx, int srh) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int nhField = l3 + Ipv6.NEXT_HEADER;
        int p = l3 + Ipv6.LENGTH;
        while (p < srh) {
            nhField = p;
            p += 8 + 8 * b.getUnsignedByte(p + 1);
        }
        int len = Srh.length(b, srh);
        b.setByte(nhField, Srh.nextHeader(b, srh));
        Ipv6.payloadLength(b, l3, Ipv6.payloadLength(b, l3) - len);
        ctx.closeGap(srh - l3, len);
    }
}
