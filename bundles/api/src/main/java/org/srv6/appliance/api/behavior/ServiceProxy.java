package org.srv6.appliance.api.behavior;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * What the SR proxies of draft-ietf-spring-sr-service-programming (§6.2 static, End.AS; §6.3
 * dynamic, End.AD) share: the walk of the outer header to the draft's ENH, the hand-over of the
 * inner packet to the service, the check of what comes back, and the fields of the header pushed
 * again. Allocation-free, never throws for any input.
 *
 * <p>One SID serves an IP service of one family (the family of its {@code nh6}/{@code nh4},
 * the draft's S-ADDR) and, through the same ports, an L2 (bridge-like) service: an inner
 * Ethernet frame (ENH 143) goes out of IFACE-OUT as it is, and the frames the core hands back
 * whole ({@link PacketContext#wholeFrame}) go back into the policy whole.
 */
public final class ServiceProxy {
    /** Inner types, as the outer header's last Next Header (the draft's ENH) names them. */
    public static final int IPV6 = Ipv6.PROTO_IPV6;
    public static final int IPV4 = Ipv6.PROTO_IPV4;
    public static final int ETHERNET = Ipv6.PROTO_ETHERNET;
    /** The hop limit a header pushed on IPv4 or Ethernet starts from (SPEC §1.1, §1.4: 64 − 1 once forwarded). */
    public static final int DEFAULT_HOP_LIMIT = 64;

    private ServiceProxy() {
    }

    /**
     * Walks the outer IPv6 header at l3 through its extension headers (Hop-by-Hop, Routing,
     * Destination Options) to the upper-layer header: the draft's ENH. An SRH on the way must be
     * well formed and inside the packet.
     *
     * @return {@code ENH << 32 | index of the inner header}, or -1 with the drop set in ctx
     */
    public static long outerChain(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 + Ipv6.LENGTH > end || Ipv6.version(b, l3) != 6) {
            ctx.drop(DropReason.BAD_IP_HEADER);
            return -1;
        }
        int nh = Ipv6.nextHeader(b, l3);
        int p = l3 + Ipv6.LENGTH;
        while (nh == Ipv6.PROTO_HOPOPTS || nh == Ipv6.PROTO_ROUTING || nh == Ipv6.PROTO_DSTOPTS) {
            if (p + 8 > end) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            if (nh == Ipv6.PROTO_ROUTING && Srh.routingType(b, p) == Srh.TYPE_SRH) {
                int v = Srh.validate(b, p, end);
                if (v != Srh.OK) {
                    ctx.drop(v == Srh.MALFORMED ? DropReason.SRH_MALFORMED : DropReason.SRH_OVERRUN);
                    return -1;
                }
            }
            nh = b.getUnsignedByte(p);
            p += 8 + 8 * b.getUnsignedByte(p + 1);
        }
        if (p > end) {
            ctx.drop(DropReason.TRUNCATED);
            return -1;
        }
        return (long) nh << 32 | p;
    }

    /** @return the ENH of an {@link #outerChain} result */
    public static int enh(long chain) {
        return (int) (chain >>> 32);
    }

    /** @return the inner header's index of an {@link #outerChain} result */
    public static int inner(long chain) {
        return (int) chain;
    }

    /**
     * Static proxy, SRv6 pseudo-code, lines 2-3 (and 5): removes the outer IPv6 header with its
     * extension headers and hands the exposed packet to the service: an IP packet of the
     * service's family to the next hop (S-ADDR) out of IFACE-OUT (the core forwards it: hop limit
     * or TTL −1, IPv4 checksum updated, next hop resolved by NDP/ARP, SPEC §1.4); an Ethernet frame
     * out of IFACE-OUT as it is. Anything else is dropped.
     *
     * @param enh   the inner type ({@link #enh}), already checked by the caller's line 1
     * @param inner the inner header's index
     * @param nh6   the IPv6 next hop, or null for an IPv4 service
     */
    public static Verdict toService(PacketContext ctx, int enh, int inner, byte[] nh6, int nh4, int oif) {
        ByteBuf b = ctx.buf;
        int end = b.writerIndex();
        int left = end - inner;
        if (enh == ETHERNET) {
            if (left < Ethernet.LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            // line 3 of the Ethernet variant: the frame goes out of IFACE-OUT from its own header
            ctx.stripTo(inner + Ethernet.LENGTH);
            ctx.outPort = oif;
            return Verdict.L2_OUT;
        }
        if (enh == IPV6 && nh6 != null) {
            if (left < Ipv6.LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (Ipv6.version(b, inner) != 6) {
                return ctx.drop(DropReason.BAD_IP_VERSION);
            }
            int len = Ipv6.LENGTH + Ipv6.payloadLength(b, inner);
            if (len > left) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            b.writerIndex(inner + len);
            ctx.stripTo(inner);
            System.arraycopy(nh6, 0, ctx.nextHop6, 0, 16);
            ctx.outPort = oif;
            return Verdict.FORWARD_NH6;
        }
        if (enh == IPV4 && nh6 == null) {
            if (left < Ipv4.MIN_LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (Ipv4.version(b, inner) != 4) {
                return ctx.drop(DropReason.BAD_IP_VERSION);
            }
            int ihl = Ipv4.headerLength(b, inner);
            int len = Ipv4.totalLength(b, inner);
            if (ihl < Ipv4.MIN_LENGTH || len < ihl) {
                return ctx.drop(DropReason.BAD_IP_HEADER);
            }
            if (len > left) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (!Ipv4.checksumOk(b, inner)) {
                return ctx.drop(DropReason.BAD_CHECKSUM);
            }
            b.writerIndex(inner + len);
            ctx.stripTo(inner);
            ctx.nextHop4 = nh4;
            ctx.outPort = oif;
            return Verdict.FORWARD_NH4;
        }
        // line 5: ELSE drop the packet
        return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
    }

    /**
     * The inbound policy of IFACE-IN, its entry condition: what the service sent back is a
     * non-link-local IP packet of the service's family addressed to the port (the L3 variants),
     * or a frame the core hands over whole (the Ethernet variant: "an Ethernet frame with a
     * destination address different than the interface address"). A group-addressed whole
     * frame is taken only from an L2 service ({@code l2Service}); from an IP service it is the
     * service's own link traffic (router solicitations, MLD) and is dropped. On success the
     * packet to encapsulate starts at l3 (for a whole frame, l3 is moved to the Ethernet header)
     * and ends at the writer index (an IP packet is cut to its own length).
     *
     * @param ipv6Service true for an nh6 (IPv6) service, false for an nh4 (IPv4) one
     * @return the inner type to encapsulate ({@link #IPV6}, {@link #IPV4}, {@link #ETHERNET}), or -1
     *         with the drop set
     */
    public static int returned(PacketContext ctx, boolean ipv6Service, boolean l2Service) {
        ByteBuf b = ctx.buf;
        int end = b.writerIndex();
        if (ctx.wholeFrame) {
            int frame = b.readerIndex();
            if (end - frame < Ethernet.LENGTH) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            if (!l2Service && Ethernet.isMulticast(Ethernet.dstMac(b, frame))) {
                ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
                return -1;
            }
            ctx.l3 = frame;
            return ETHERNET;
        }
        int l3 = ctx.l3;
        int left = end - l3;
        if (left < 1) {
            ctx.drop(DropReason.TRUNCATED);
            return -1;
        }
        int version = b.getUnsignedByte(l3) >>> 4;
        if (ipv6Service && version == 6) {
            if (left < Ipv6.LENGTH) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            int len = Ipv6.LENGTH + Ipv6.payloadLength(b, l3);
            if (len > left) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            if (linkLocal(Ipv6.srcHi(b, l3)) || linkLocal(Ipv6.dstHi(b, l3))) {
                // "a non-link-local IPv6 packet": link-local traffic stays on the link
                ctx.drop(DropReason.NOT_FOR_US);
                return -1;
            }
            b.writerIndex(l3 + len);
            return IPV6;
        }
        if (!ipv6Service && version == 4) {
            if (left < Ipv4.MIN_LENGTH) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            int ihl = Ipv4.headerLength(b, l3);
            int len = Ipv4.totalLength(b, l3);
            if (ihl < Ipv4.MIN_LENGTH || len < ihl) {
                ctx.drop(DropReason.BAD_IP_HEADER);
                return -1;
            }
            if (len > left) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            if ((Ipv4.dst(b, l3) >>> 16) == 0xa9fe || (Ipv4.src(b, l3) >>> 16) == 0xa9fe) {
                // "a non-link-local IPv4 packet": 169.254/16 stays on the link
                ctx.drop(DropReason.NOT_FOR_US);
                return -1;
            }
            b.writerIndex(l3 + len);
            return IPV4;
        }
        // wrong family, or not IP, for an IP service: nothing of the inbound policy matches
        ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
        return -1;
    }

    private static boolean linkLocal(long hi) {
        return (hi >>> 54) == 0x3fa; // fe80::/10
    }

    /**
     * Makes room for {@code outerLength} bytes in front of the packet at l3 (the header to push).
     *
     * @return false (drop set) when there is no headroom or the result would not fit an IPv6 payload
     */
    public static boolean makeRoom(PacketContext ctx, int outerLength) {
        if (ctx.l3Length() + outerLength - Ipv6.LENGTH > 0xffff) {
            ctx.drop(DropReason.MTU_EXCEEDED);
            return false;
        }
        if (!ctx.pushFront(outerLength)) {
            ctx.drop(DropReason.NO_HEADROOM);
            return false;
        }
        return true;
    }

    /**
     * Completes the header pushed at l3 ({@code outerLength} bytes, already written from the
     * cache) on the packet of {@code innerType} behind it: lines "Set NH value of the pushed SRH",
     * "Set outer payload length and flow label", "Lookup outer DA in appropriate table and
     * proceed accordingly". SPEC §1.4 fixes what the draft leaves to the cache or the node's
     * defaults: traffic class and flow label copied from an inner IPv6 header (0 for IPv4 and
     * Ethernet), hop limit = the inner one (64 for IPv4 and Ethernet, as every header the appliance
     * pushes, SPEC §1.1), which the core's forwarding takes one off; the inner header is not touched.
     *
     * @param nextHeaderField offset from l3 of the Next Header field that names the inner packet
     */
    public static Verdict pushed(PacketContext ctx, int outerLength, int nextHeaderField, int innerType) {
        ByteBuf b = ctx.buf;
        int o = ctx.l3;
        int in = o + outerLength;
        int tc = 0;
        int flow = 0;
        int hl;
        if (innerType == IPV6) {
            tc = Ipv6.trafficClass(b, in);
            flow = Ipv6.flowLabel(b, in);
            hl = Ipv6.hopLimit(b, in);
        } else {
            hl = DEFAULT_HOP_LIMIT;
        }
        Ipv6.versionTcFlow(b, o, tc, flow);
        Ipv6.payloadLength(b, o, ctx.l3Length() - Ipv6.LENGTH);
        Ipv6.hopLimit(b, o, hl);
        b.setByte(o + nextHeaderField, innerType);
        return ctx.forward(ctx.inTable);
    }
}
