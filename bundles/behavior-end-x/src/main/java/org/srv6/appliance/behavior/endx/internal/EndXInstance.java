package org.srv6.appliance.behavior.endx.internal;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.NextCsid;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/** One End.X SID: flavors, C-SID masks (null without next-csid), next hop and output port resolved at creation. */
final class EndXInstance implements BehaviorInstance {
    private final int flavors;
    private final NextCsid csid;
    private final byte[] nh6;
    private final int outPort;

    EndXInstance(int flavors, NextCsid csid, byte[] nh6, int outPort) {
        this.flavors = flavors;
        this.csid = csid;
        this.nh6 = nh6.clone();
        this.outPort = outPort;
    }

    /*
     * RFC 9800 §4.2 (End.X with NEXT-CSID): a DA with further C-SIDs is shifted and sent to the
     * adjacency; else RFC 8986 §4.2: S01-S15 as End (§4.1, flavors §4.16), then S16 "submit the
     * packet to the IPv6 module for transmission to the new destination via a member of J"
     * replaced by the adjacency nh6 [oif]; USD §4.16.3 End.X S01-S03 sends the exposed IPv6 or
     * IPv4 packet to the same adjacency.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        if (csid != null) {
            Verdict v = csid.shift(ctx);
            if (v != null) {
                return v == Verdict.FORWARD ? Endpoint.toAdjacency6(ctx, nh6, outPort) : v;
            }
        }
        Verdict v = Endpoint.advance(ctx, flavors);
        return v == Verdict.FORWARD ? Endpoint.toAdjacency6(ctx, nh6, outPort) : v;
    }
}
