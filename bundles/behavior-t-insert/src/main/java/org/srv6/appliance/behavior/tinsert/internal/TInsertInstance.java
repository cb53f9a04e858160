package org.srv6.appliance.behavior.tinsert.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/** One inline route: SRH template (with the slot for the original DA) precomputed. */
final class TInsertInstance implements BehaviorInstance {
    private final byte[] srh;
    private final long dstHi;
    private final long dstLo;
    /** Signs the HMAC TLV (the last 40 bytes of the SRH), or null without {@code hmac}. */
    private final SrhHmac signer;

    TInsertInstance(byte[] srh, byte[] firstSegment, SrhHmac signer) {
        this.srh = srh.clone();
        this.dstHi = Ipv6.hi(firstSegment);
        this.dstLo = Ipv6.lo(firstSegment);
        this.signer = signer;
    }

    /*
     * T.Insert (kernel seg6_do_srh_inline): S01 insert the SRH right after the IPv6 header,
     * S02 Segment List[0] = the original DA, Next Header chain IPv6 -> SRH -> original next
     * header, S03 DA = S1, S04 payload length += SRH length, S05 forward (hop limit left to the
     * core's FORWARD). With hmac, S06 the HMAC over the packet's own source and the SRH as it is
     * now (List[0] = the original DA), as the kernel's seg6_push_hmac after the DA is rewritten.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int avail = b.writerIndex() - l3;
        if (avail < Ipv6.LENGTH || Ipv6.version(b, l3) != 6) {
            return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
        }
        int innerLen = Ipv6.LENGTH + Ipv6.payloadLength(b, l3);
        if (innerLen > avail) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (innerLen + srh.length - Ipv6.LENGTH > 0xffff) {
            return ctx.drop(DropReason.MTU_EXCEEDED);
        }
        b.writerIndex(l3 + innerLen);
        if (!ctx.openGap(Ipv6.LENGTH, srh.length)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        int o = ctx.l3;
        int s = o + Ipv6.LENGTH;
        Srh.write(b, s, srh);
        Srh.nextHeader(b, s, Ipv6.nextHeader(b, o));
        b.setLong(Srh.segment(s, 0), Ipv6.dstHi(b, o));
        b.setLong(Srh.segment(s, 0) + 8, Ipv6.dstLo(b, o));
        Ipv6.nextHeader(b, o, Ipv6.PROTO_ROUTING);
        Ipv6.payloadLength(b, o, innerLen - Ipv6.LENGTH + srh.length);
        Ipv6.dst(b, o, dstHi, dstLo);
        if (signer != null) {
            signer.sign(b, o + Ipv6.SRC, s, s + srh.length - Srh.HMAC_TLV_LENGTH);
        }
        return ctx.forward(ctx.inTable);
    }
}
