package org.srv6.appliance.behavior.tencaps.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/** One encap route: SRH template and outer addresses precomputed. */
final class TEncapsInstance implements BehaviorInstance {
    private final byte[] srh;
    private final long srcHi;
    private final long srcLo;
    private final long dstHi;
    private final long dstLo;

    TEncapsInstance(byte[] srh, byte[] src, byte[] firstSegment) {
        this.srh = srh.clone();
        this.srcHi = Ipv6.hi(src);
        this.srcLo = Ipv6.lo(src);
        this.dstHi = Ipv6.hi(firstSegment);
        this.dstLo = Ipv6.lo(firstSegment);
    }

    /*
     * RFC 8986 §5.1 H.Encaps: S01 push an IPv6 header with its own SRH, S02 outer source = the
     * tunnel source, DA = first segment (S1), S03 SRH with SL = n-1 and the list reversed, S04 outer
     * payload length, traffic class and flow label from the inner packet, S05 forward. Hop limit:
     * the inner one (64 for IPv4) as the kernel's seg6_do_srh_encap; the core's FORWARD takes one.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int avail = b.writerIndex() - l3;
        if (avail < 1) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        int version = b.getUnsignedByte(l3) >>> 4;
        int innerLen;
        int tc;
        int flow;
        int hl;
        int nh;
        if (version == 6) {
            if (avail < Ipv6.LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            innerLen = Ipv6.LENGTH + Ipv6.payloadLength(b, l3);
            tc = Ipv6.trafficClass(b, l3);
            flow = Ipv6.flowLabel(b, l3);
            hl = Ipv6.hopLimit(b, l3);
            nh = Ipv6.PROTO_IPV6;
        } else if (version == 4) {
            if (avail < Ipv4.MIN_LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            innerLen = b.getUnsignedShort(l3 + Ipv4.TOTAL_LENGTH);
            tc = 0;
            flow = 0;
            hl = 64;
            nh = Ipv6.PROTO_IPV4;
        } else {
            return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
        }
        if (innerLen > avail) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        b.writerIndex(l3 + innerLen);
        int push = Ipv6.LENGTH + srh.length;
        if (!ctx.pushFront(push)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        int o = ctx.l3;
        Ipv6.versionTcFlow(b, o, tc, flow);
        Ipv6.payloadLength(b, o, srh.length + innerLen);
        Ipv6.nextHeader(b, o, Ipv6.PROTO_ROUTING);
        Ipv6.hopLimit(b, o, hl);
        Ipv6.src(b, o, srcHi, srcLo);
        Ipv6.dst(b, o, dstHi, dstLo);
        Srh.write(b, o + Ipv6.LENGTH, srh);
        Srh.nextHeader(b, o + Ipv6.LENGTH, nh);
        return ctx.forward(ctx.inTable);
    }
}
