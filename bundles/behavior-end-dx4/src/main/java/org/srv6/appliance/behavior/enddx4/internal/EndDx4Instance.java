package org.srv6.appliance.behavior.enddx4.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Decapsulation;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;

/** One End.DX4 SID: next hop and output port resolved at creation. */
final class EndDx4Instance implements BehaviorInstance {
    private final int nh4;
    private final int outPort;

    EndDx4Instance(int nh4, int outPort) {
        this.nh4 = nh4;
        this.outPort = outPort;
    }

    /*
     * RFC 8986 §4.5: S01-S04 SL must be 0 (or no SRH, as the kernel's input_action_end_dx4),
     * S05-S06 upper layer 4: remove the outer header with its extension headers and forward
     * the inner packet to the adjacency nh4 [oif]; the core decrements its TTL.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        int inner = Decapsulation.inner(ctx, Ipv6.PROTO_IPV4);
        if (inner < 0) {
            return Verdict.DROP;
        }
        ByteBuf b = ctx.buf;
        int end = b.writerIndex();
        if (inner + Ipv4.MIN_LENGTH > end) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (Ipv4.version(b, inner) != 4) {
            return ctx.drop(DropReason.BAD_IP_VERSION);
        }
        int ihl = Ipv4.headerLength(b, inner);
        int total = Ipv4.totalLength(b, inner);
        if (ihl < Ipv4.MIN_LENGTH || total < ihl) {
            return ctx.drop(DropReason.BAD_IP_HEADER);
        }
        if (inner + total > end) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        b.writerIndex(inner + total); // bytes after the inner packet are not part of it
        ctx.stripTo(inner);
        ctx.nextHop4 = nh4;
        ctx.outPort = outPort;
        return Verdict.FORWARD_NH4;
    }
}
