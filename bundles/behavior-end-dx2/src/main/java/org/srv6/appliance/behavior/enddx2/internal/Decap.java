package org.srv6.appliance.behavior.enddx2.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * The decapsulation check the cross-connect behaviors share (RFC 8986 §4.4 S01-S06, as the
 * kernel's seg6_local.c decap_and_validate): an SRH, if any, has Segments Left 0, and the
 * extension-header chain ends in the expected upper layer. Allocation-free, never throws.
 */
final class Decap {
    private Decap() {
    }

    /**
     * @return the absolute index of the inner header of protocol {@code proto}, or -1 with the
     *         drop reason set in {@code ctx}
     */
    static int inner(PacketContext ctx, int proto) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 + Ipv6.LENGTH > end || Ipv6.version(b, l3) != 6) {
            ctx.drop(DropReason.BAD_IP_HEADER);
            return -1;
        }
        int srh = Srh.locate(b, l3, end);
        if (srh == Srh.TRUNCATED) {
            ctx.drop(DropReason.TRUNCATED);
            return -1;
        }
        if (srh >= 0) {
            int v = Srh.validate(b, srh, end);
            if (v == Srh.MALFORMED) {
                ctx.drop(DropReason.SRH_MALFORMED);
                return -1;
            }
            if (v != Srh.OK) {
                ctx.drop(DropReason.SRH_OVERRUN);
                return -1;
            }
            if (Srh.segmentsLeft(b, srh) != 0) {
                // S01-S04: the kernel drops without an ICMP answer.
                ctx.drop(DropReason.SL_NOT_ZERO);
                return -1;
            }
        }
        // Walk Hop-by-Hop, Routing and Destination Options headers to the upper layer (ipv6_find_hdr).
        int nh = Ipv6.nextHeader(b, l3);
        int p = l3 + Ipv6.LENGTH;
        while (nh == Ipv6.PROTO_HOPOPTS || nh == Ipv6.PROTO_ROUTING || nh == Ipv6.PROTO_DSTOPTS) {
            if (p + 2 > end) {
                ctx.drop(DropReason.TRUNCATED);
                return -1;
            }
            nh = b.getUnsignedByte(p);
            p += 8 + 8 * b.getUnsignedByte(p + 1);
        }
        if (p > end) {
            ctx.drop(DropReason.TRUNCATED);
            return -1;
        }
        if (nh != proto) {
            // S05-S06 else branch (§4.1.1): the kernel drops what is not the expected inner protocol.
            ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
            return -1;
        }
        return p;
    }
}
