package org.srv6.appliance.api.behavior;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * The decapsulation the decapsulating behaviors share: the checks of the outer header and its
 * SRH, the walk to the inner header and, for the table behaviors, the inner packet's own checks
 * and the lookup. Allocation-free, never throws.
 */
public final class Decapsulation {
    /** Authentication Header: its length counts 4-byte words, less 2 (RFC 4302). */
    private static final int PROTO_AH = 51;

    private Decapsulation() {
    }

    /**
     * End.DX6, End.DX4, End.DX2 (RFC 8986 §4.4-4.5, §4.9 S01-S06, as the kernel's seg6_local.c
     * decap_and_validate): an SRH, if any, is valid and has Segments Left 0, and the
     * extension-header chain ends in {@code proto}.
     *
     * @return the absolute index of the inner header of protocol {@code proto}, or -1 with the
     *         drop reason set in {@code ctx}
     */
    public static int inner(PacketContext ctx, int proto) {
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

    /**
     * End.DT6, End.DT4, End.DT46 (RFC 8986 §4.6-4.8): S01-S04 an SRH with SL != 0 is discarded; silently and counted, as the
     * kernel's decap_and_validate does (the RFC's Parameter Problem is not sent), which also takes
     * a packet with no SRH. S05 the next header is processed: the extension-header chain is
     * walked to the inner header as ipv6_find_hdr does; the outer header and its extension
     * headers are removed and the inner packet is looked up in table T, a local destination
     * there being delivered by the core. {@code ipv6}/{@code ipv4}: the inner families taken.
     */
    public static Verdict toTable(PacketContext ctx, int table, boolean ipv6, boolean ipv4) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 + Ipv6.LENGTH > end) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (Ipv6.version(b, l3) != 6) {
            return ctx.drop(DropReason.BAD_IP_HEADER);
        }
        int nh = Ipv6.nextHeader(b, l3);
        int p = l3 + Ipv6.LENGTH;
        while (nh != Ipv6.PROTO_IPV6 && nh != Ipv6.PROTO_IPV4) {
            if (nh == Ipv6.PROTO_NONE || !Ipv6.isExtensionHeader(nh)) {
                return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
            }
            if (p + 8 > end) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (nh == Ipv6.PROTO_ROUTING && Srh.routingType(b, p) == Srh.TYPE_SRH
                    && Srh.validate(b, p, end) == Srh.OK && Srh.segmentsLeft(b, p) != 0) {
                return ctx.drop(DropReason.SL_NOT_ZERO);
            }
            if (nh == Ipv6.PROTO_FRAGMENT && (b.getUnsignedShort(p + 2) & 0xfff8) != 0) {
                // A non-first fragment holds no inner header.
                return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
            }
            int len = nh == Ipv6.PROTO_FRAGMENT ? 8
                    : nh == PROTO_AH ? 4 * (b.getUnsignedByte(p + 1) + 2) : 8 + 8 * b.getUnsignedByte(p + 1);
            nh = b.getUnsignedByte(p);
            p += len;
        }
        int left = end - p;
        if (nh == Ipv6.PROTO_IPV6) {
            if (!ipv6) {
                return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
            }
            if (left < Ipv6.LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (Ipv6.version(b, p) != 6) {
                return ctx.drop(DropReason.BAD_IP_VERSION);
            }
            int len = Ipv6.LENGTH + Ipv6.payloadLength(b, p);
            if (len > left) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            b.writerIndex(p + len);
        } else {
            if (!ipv4) {
                return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
            }
            if (left < Ipv4.MIN_LENGTH) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            if (Ipv4.version(b, p) != 4) {
                return ctx.drop(DropReason.BAD_IP_VERSION);
            }
            int ihl = Ipv4.headerLength(b, p);
            int len = Ipv4.totalLength(b, p);
            if (ihl < Ipv4.MIN_LENGTH || len < ihl) {
                return ctx.drop(DropReason.BAD_IP_HEADER);
            }
            if (len > left) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            b.writerIndex(p + len);
        }
        ctx.stripTo(p);
        return ctx.forward(table);
    }
}
