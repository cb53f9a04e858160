package org.srv6.appliance.behavior.tencapsl2red.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Encapsulation;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.SrhHmac;

/** One l2encap.red route or steered port: reduced SRH template (maybe empty), outer addresses, signer. */
final class TEncapsL2RedInstance implements BehaviorInstance {
    private final byte[] srh;
    private final long srcHi;
    private final long srcLo;
    private final long dstHi;
    private final long dstLo;
    private final SrhHmac hmac;

    TEncapsL2RedInstance(byte[] srh, byte[] src, byte[] firstSegment, SrhHmac hmac) {
        this.srh = srh.clone();
        this.srcHi = Ipv6.hi(src);
        this.srcLo = Ipv6.lo(src);
        this.dstHi = Ipv6.hi(firstSegment);
        this.dstLo = Ipv6.lo(firstSegment);
        this.hmac = hmac;
    }

    /*
     * RFC 8986 §5.4 H.Encaps.L2.Red: as H.Encaps.L2 (§5.3: the received Ethernet frame, the 14
     * bytes before l3 on, becomes the payload; Next Header 143) with the reduced SRH of §5.2: S1
     * only in the outer destination address, List[0] = Sn .. List[n-2] = S2, SL = n-1; a policy
     * of one segment pushes no SRH (the outer Next Header is 143). Traffic class, flow label and
     * hop limit as the kernel's seg6_do_srh_encap_red: an IPv6 frame's, otherwise 0, 0, 64
     * (SPEC §1.4); the core's FORWARD takes one off the hop limit.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int eth = ctx.l3 - Ethernet.LENGTH;
        int end = b.writerIndex();
        if (eth < 0 || end - eth < Ethernet.LENGTH) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        int tc = 0;
        int flow = 0;
        int hl = 64;
        if (b.getUnsignedShort(ctx.l3 - 2) == Ethernet.TYPE_IPV6 && end - ctx.l3 >= Ipv6.LENGTH
                && Ipv6.version(b, ctx.l3) == 6) {
            tc = Ipv6.trafficClass(b, ctx.l3);
            flow = Ipv6.flowLabel(b, ctx.l3);
            hl = Ipv6.hopLimit(b, ctx.l3);
        }
        int innerLen = end - eth;
        ctx.l3 = eth;
        if (!ctx.pushFront(Ipv6.LENGTH + srh.length)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        Encapsulation.writeOuter(b, ctx.l3, srh, Ipv6.PROTO_ETHERNET, innerLen, tc, flow, hl, srcHi, srcLo, dstHi, dstLo,
                hmac);
        return ctx.forward(ctx.inTable);
    }
}
