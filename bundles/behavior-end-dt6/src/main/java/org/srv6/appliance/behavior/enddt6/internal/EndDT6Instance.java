package org.srv6.appliance.behavior.enddt6.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/** One EndDT6 SID: its table, and which inner families it takes. */
final class EndDT6Instance implements BehaviorInstance {
    /** Authentication Header: its length counts 4-byte words, less 2 (RFC 4302). */
    private static final int PROTO_AH = 51;

    private final int table;
    private final boolean ipv6;
    private final boolean ipv4;

    EndDT6Instance(int table, boolean ipv6, boolean ipv4) {
        this.table = table;
        this.ipv6 = ipv6;
        this.ipv4 = ipv4;
    }

    /*
     * RFC 8986 §4.6: S01-S04 an SRH with SL != 0 is discarded; silently and counted, as the
     * kernel's decap_and_validate does (the RFC's Parameter Problem is not sent), which also takes
     * a packet with no SRH. S05 the next header is processed: the extension-header chain is
     * walked to the inner header as ipv6_find_hdr does; the outer header and its extension
     * headers are removed and the inner packet is looked up in table T, a local destination
     * there being delivered by the core.
     */
    @Override
    public Verdict process(PacketContext ctx) {
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
