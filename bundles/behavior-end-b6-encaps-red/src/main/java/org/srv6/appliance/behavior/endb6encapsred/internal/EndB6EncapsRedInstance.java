package org.srv6.appliance.behavior.endb6encapsred.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Encapsulation;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.SrhHmac;

/**
 * One End.B6.Encaps.Red SID: the reduced SRH of policy B (empty for one segment without HMAC), the
 * outer addresses and the HMAC signer precomputed.
 */
final class EndB6EncapsRedInstance implements BehaviorInstance {
    private final byte[] srh;
    private final long srcHi;
    private final long srcLo;
    private final long dstHi;
    private final long dstLo;
    private final SrhHmac hmac;

    EndB6EncapsRedInstance(byte[] srh, byte[] src, byte[] firstSegment, SrhHmac hmac) {
        this.srh = srh.clone();
        this.srcHi = Ipv6.hi(src);
        this.srcLo = Ipv6.lo(src);
        this.dstHi = Ipv6.hi(firstSegment);
        this.dstLo = Ipv6.lo(firstSegment);
        this.hmac = hmac;
    }

    /*
     * RFC 8986 §4.14: as §4.13 End.B6.Encaps with S17 pushing the reduced SRH (no SRH when it is
     * empty: the outer Next Header is then 41). §4.13: S02-S04 SL = 0 dropped (as the kernel's input_action_end_b6_encaps, whose
     * SRH lookup skips an SRH with SL 0), S05-S08 hop limit <= 1 Time Exceeded (SPEC D3), S09-S13
     * malformed SRH Parameter Problem (SPEC D1), S15-S16 SL--, DA = Segment List[SL]: all
     * Endpoint.advance. S14: the inner hop limit is left alone, as the kernel does (SPEC §1.4).
     * S17 push an IPv6 header with the SRH of B, S18 SA = the tunnel source, S19 DA = first SID
     * of B, S20 payload length, traffic class and flow label copied from the inner header, hop
     * limit = the inner one (seg6_do_srh_encap; the core's forwarding takes one off), HMAC signed
     * once the source is set (seg6_push_hmac), S21 lookup in the ingress table.
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
        if (innerLen + srh.length > 0xffff) {
            return ctx.drop(DropReason.MTU_EXCEEDED);
        }
        int tc = Ipv6.trafficClass(b, l3);
        int flow = Ipv6.flowLabel(b, l3);
        int hl = Ipv6.hopLimit(b, l3);
        b.writerIndex(l3 + innerLen);
        if (!ctx.pushFront(Ipv6.LENGTH + srh.length)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        Encapsulation.writeOuter(b, ctx.l3, srh, Ipv6.PROTO_IPV6, innerLen, tc, flow, hl, srcHi, srcLo, dstHi, dstLo,
                hmac);
        return ctx.forward(ctx.inTable);
    }
}
