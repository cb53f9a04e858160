package org.srv6.appliance.behavior.ends.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * One End.S SID and its table T.
 *
 * <p>"match(last SID) in specified table T" is read as: table T (after the local table, as
 * every lookup here) has a unicast route for Segment List[0], answered by the core's
 * {@link PacketContext#routes}; "forward accordingly" is IP forwarding along that route, i.e.
 * FORWARD_NH6 toward List[0] looked up in T: the next hop is the route's gateway, or List[0]
 * itself on a connected route; DA and Segments Left stay as received and the core decrements
 * the hop limit once (SPEC §1.4), answering Time Exceeded at hop limit <= 1 and Packet Too Big
 * as for any forwarded packet.
 */
final class EndSInstance implements BehaviorInstance {
    private final int table;

    EndSInstance(int table) {
        this.table = table;
    }

    /*
     * draft-filsfils-spring-srv6-network-programming-06 §4.18:
     * 1. IF NH=SRH and SL = 0     ;; Ref1: an End.S SID is never the last SID
     * 2.    drop the packet       (counted as sl-zero)
     * 3. ELSE IF match(last SID) in specified table T
     * 4.    forward accordingly   (FORWARD_NH6 to List[0] in T, DA and SL untouched)
     * 5. ELSE
     * 6.    apply the End behavior (RFC 8986 §4.1 through Endpoint.advance, looked up in the
     *       ingress table as End does)
     * A packet without SRH has no last SID: dropped as End drops it (no-srh). The SRH is checked
     * first as End checks it (SPEC D1: malformed gets Parameter Problem), since List[0] is read
     * from it.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 + Ipv6.LENGTH > end || Ipv6.version(b, l3) != 6) {
            return ctx.drop(DropReason.BAD_IP_HEADER);
        }
        int srh = Srh.locate(b, l3, end);
        if (srh == Srh.TRUNCATED) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (srh == Srh.ABSENT) {
            return ctx.drop(DropReason.NO_SRH);
        }
        int v = Srh.validate(b, srh, end);
        if (v == Srh.MALFORMED) {
            return ctx.icmpError(Icmp6.PARAMETER_PROBLEM, Icmp6.PARAM_ERRONEOUS_FIELD,
                    srh - l3 + Srh.SEGMENTS_LEFT, DropReason.SRH_MALFORMED);
        }
        if (v != Srh.OK) {
            return ctx.drop(DropReason.SRH_OVERRUN);
        }
        // 1-2
        if (Srh.segmentsLeft(b, srh) == 0) {
            return ctx.drop(DropReason.SL_ZERO);
        }
        // 3-4
        long hi = Srh.segmentHi(b, srh, 0);
        long lo = Srh.segmentLo(b, srh, 0);
        if (ctx.routes.unicast6(table, hi, lo)) {
            byte[] nh = ctx.nextHop6;
            for (int i = 0; i < 8; i++) {
                nh[i] = (byte) (hi >>> (56 - 8 * i));
                nh[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
            ctx.table = table;
            ctx.outPort = -1;
            return Verdict.FORWARD_NH6;
        }
        // 5-6
        Verdict e = Endpoint.advance(ctx, 0);
        return e == Verdict.FORWARD ? ctx.forward(ctx.inTable) : e;
    }
}
