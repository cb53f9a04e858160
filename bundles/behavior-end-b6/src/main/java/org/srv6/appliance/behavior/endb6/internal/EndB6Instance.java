package org.srv6.appliance.behavior.endb6.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/** One End.B6 SID: the SRH of policy B (with the slot for the next segment) and the signer precomputed. */
final class EndB6Instance implements BehaviorInstance {
    private final byte[] srh;
    private final long dstHi;
    private final long dstLo;
    private final SrhHmac hmac;

    EndB6Instance(byte[] srh, byte[] firstSegment, SrhHmac hmac) {
        this.srh = srh.clone();
        this.dstHi = Ipv6.hi(firstSegment);
        this.dstLo = Ipv6.lo(firstSegment);
        this.hmac = hmac;
    }

    /*
     * SPEC D4, End.B6.Insert: first the End processing of the received SRH (RFC 8986 §4.1: SL = 0
     * dropped as the kernel does, hop limit <= 1 Time Exceeded quoting the packet as received,
     * malformed SRH Parameter Problem, SL--, DA = Segment List[SL]); then insert the SRH B right
     * after the IPv6 header (after its Hop-by-Hop Options header, if any: RFC 8200 §4.1) (Next Header
     * chain IPv6 -> B -> the received SRH), B's Segment List[0] =
     * the updated DA, DA = the first segment of B, payload length += len(B), HMAC signed over the
     * packet's source; forward in the ingress table (the core takes the hop limit's one off).
     */
    @Override
    public Verdict process(PacketContext ctx) {
        Verdict v = Endpoint.advance(ctx, 0);
        if (v == Verdict.LOCAL) {
            return ctx.drop(DropReason.SL_ZERO);
        }
        if (v != Verdict.FORWARD) {
            return v;
        }
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int innerLen = Ipv6.LENGTH + Ipv6.payloadLength(b, l3);
        if (innerLen > b.writerIndex() - l3) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (innerLen - Ipv6.LENGTH + srh.length > 0xffff) {
            return ctx.drop(DropReason.MTU_EXCEEDED);
        }
        // RFC 8200 §4.1: a Hop-by-Hop Options header stays right after the IPv6 header (the
        // chain up to the SRH was walked by Endpoint.advance, so its length is within the packet).
        int keep = Ipv6.LENGTH;
        if (Ipv6.nextHeader(b, l3) == Ipv6.PROTO_HOPOPTS) {
            keep += 8 + 8 * b.getUnsignedByte(l3 + Ipv6.LENGTH + 1);
        }
        b.writerIndex(l3 + innerLen);
        if (!ctx.openGap(keep, srh.length)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        int o = ctx.l3;
        int nhField = keep == Ipv6.LENGTH ? o + Ipv6.NEXT_HEADER : o + Ipv6.LENGTH;
        int s = o + keep;
        Srh.write(b, s, srh);
        Srh.nextHeader(b, s, b.getUnsignedByte(nhField));
        b.setLong(Srh.segment(s, 0), Ipv6.dstHi(b, o));
        b.setLong(Srh.segment(s, 0) + 8, Ipv6.dstLo(b, o));
        b.setByte(nhField, Ipv6.PROTO_ROUTING);
        Ipv6.payloadLength(b, o, innerLen - Ipv6.LENGTH + srh.length);
        Ipv6.dst(b, o, dstHi, dstLo);
        if (hmac != null) {
            hmac.sign(b, o + Ipv6.SRC, s, s + srh.length - Srh.HMAC_TLV_LENGTH);
        }
        return ctx.forward(ctx.inTable);
    }
}
