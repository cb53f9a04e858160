package org.srv6.appliance.behavior.endx.internal;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/** One End.X SID: next hop and output port resolved at creation. */
final class EndXInstance implements BehaviorInstance {
    private final int flavors;
    private final byte[] nh6;
    private final int outPort;

    EndXInstance(int flavors, byte[] nh6, int outPort) {
        this.flavors = flavors;
        this.nh6 = nh6.clone();
        this.outPort = outPort;
    }

    /*
     * RFC 8986 §4.2: S01-S15 as End (§4.1, flavors §4.16), then S16 "submit the packet to the
     * IPv6 module for transmission to the new destination via a member of J" replaced by the
     * adjacency nh6 [oif].
     */
    @Override
    public Verdict process(PacketContext ctx) {
        Verdict v = Endpoint.advance(ctx, flavors);
        if (v != Verdict.FORWARD) {
            return v;
        }
        System.arraycopy(nh6, 0, ctx.nextHop6, 0, 16);
        ctx.outPort = outPort;
        return Verdict.FORWARD_NH6;
    }
}
