package org.srv6.appliance.behavior.enddx6.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Decapsulation;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;

/** One End.DX6 SID: next hop and output port resolved at creation. */
final class EndDx6Instance implements BehaviorInstance {
    private final byte[] nh6;
    private final int outPort;

    EndDx6Instance(byte[] nh6, int outPort) {
        this.nh6 = nh6.clone();
        this.outPort = outPort;
    }

    /*
     * RFC 8986 §4.4: S01-S04 SL must be 0 (or no SRH, as the kernel's input_action_end_dx6),
     * S05-S06 upper layer 41: remove the outer header with its extension headers and forward
     * the inner packet to the adjacency nh6 [oif]; the core decrements its hop limit.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        int inner = Decapsulation.inner(ctx, Ipv6.PROTO_IPV6);
        if (inner < 0) {
            return Verdict.DROP;
        }
        ByteBuf b = ctx.buf;
        int end = b.writerIndex();
        if (inner + Ipv6.LENGTH > end) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (Ipv6.version(b, inner) != 6) {
            return ctx.drop(DropReason.BAD_IP_VERSION);
        }
        int innerEnd = inner + Ipv6.LENGTH + Ipv6.payloadLength(b, inner);
        if (innerEnd > end) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        b.writerIndex(innerEnd); // bytes after the inner packet are not part of it
        ctx.stripTo(inner);
        System.arraycopy(nh6, 0, ctx.nextHop6, 0, 16);
        ctx.outPort = outPort;
        return Verdict.FORWARD_NH6;
    }
}
