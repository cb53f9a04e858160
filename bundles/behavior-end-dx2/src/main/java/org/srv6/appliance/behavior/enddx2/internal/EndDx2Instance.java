package org.srv6.appliance.behavior.enddx2.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Decapsulation;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Ipv6;

/** One End.DX2 SID: the output port resolved at creation. */
final class EndDx2Instance implements BehaviorInstance {
    /** Smallest Ethernet type; below it the field is an 802.3 length, which the kernel's End.DX2 drops. */
    private static final int ETH_P_802_3_MIN = 0x0600;

    private final int outPort;

    EndDx2Instance(int outPort) {
        this.outPort = outPort;
    }

    /*
     * RFC 8986 §4.9: S01-S04 SL must be 0 (or no SRH, as the kernel's input_action_end_dx2),
     * upper layer 143: remove the outer header with its extension headers and send the inner
     * Ethernet frame out of oif unchanged (any type, broadcast and VLAN tags included).
     */
    @Override
    public Verdict process(PacketContext ctx) {
        int inner = Decapsulation.inner(ctx, Ipv6.PROTO_ETHERNET);
        if (inner < 0) {
            return Verdict.DROP;
        }
        ByteBuf b = ctx.buf;
        if (inner + Ethernet.LENGTH > b.writerIndex()) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (b.getUnsignedShort(inner + Ethernet.TYPE) < ETH_P_802_3_MIN) {
            return ctx.drop(DropReason.BAD_ETHERTYPE);
        }
        // The frame is sent from the reader index: the inner Ethernet header.
        ctx.stripTo(inner + Ethernet.LENGTH);
        ctx.outPort = outPort;
        return Verdict.L2_OUT;
    }
}
