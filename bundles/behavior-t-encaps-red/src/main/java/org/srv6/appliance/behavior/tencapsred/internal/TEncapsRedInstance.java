package org.srv6.appliance.behavior.tencapsred.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/** One encap.red route: the outer IPv6 header and the reduced SRH (HMAC included) precomputed. */
final class TEncapsRedInstance implements BehaviorInstance {
    private final byte[] header;
    private final int srhLength;

    /**
     * @param header    outer IPv6 header (source, destination S1, Next Header) and the reduced SRH
     * @param srhLength bytes of the SRH in {@code header}; 0 when there is none
     */
    TEncapsRedInstance(byte[] header, int srhLength) {
        this.header = header.clone();
        this.srhLength = srhLength;
    }

    /*
     * RFC 8986 §5.2 H.Encaps.Red: as H.Encaps (§5.1), S01 push an IPv6 header with its own SRH,
     * S02 outer source = the tunnel source, DA = the first segment S1, S03 the SRH without S1
     * (List[0] = Sn … List[n-2] = S2, SL = n-1, Last Entry = n-2), or no SRH when n = 1 (outer
     * Next Header = the inner protocol), S04 outer payload length, traffic class and flow label
     * from the inner packet, S05 forward. Hop limit: the inner one (64 for IPv4) as the kernel's
     * seg6_do_srh_encap_red; the core's FORWARD takes one.
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
            if (innerLen < Ipv4.MIN_LENGTH) {
                return ctx.drop(DropReason.BAD_IP_HEADER);
            }
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
        if (!ctx.pushFront(header.length)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        int o = ctx.l3;
        b.setBytes(o, header);
        Ipv6.versionTcFlow(b, o, tc, flow);
        Ipv6.payloadLength(b, o, srhLength + innerLen);
        Ipv6.hopLimit(b, o, hl);
        if (srhLength == 0) {
            Ipv6.nextHeader(b, o, nh);
        } else {
            Srh.nextHeader(b, o + Ipv6.LENGTH, nh);
        }
        return ctx.forward(ctx.inTable);
    }
}
