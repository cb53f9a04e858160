package org.srv6.appliance.behavior.endt.internal;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.NextCsid;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/** One End.T SID: its table, flavor bits and the C-SID masks (null without next-csid) precomputed. */
final class EndTInstance implements BehaviorInstance {
    private final int table;
    private final int flavors;
    private final NextCsid csid;

    EndTInstance(int table, int flavors, NextCsid csid) {
        this.table = table;
        this.flavors = flavors;
        this.csid = csid;
    }

    /*
     * RFC 8986 §4.3: S01-S15 as End (§4.1 with the §4.16 flavors; RFC 9800 §4.1 NEXT-CSID
     * shifts the next C-SID in while the DA carries one), then S16.1 "set the packet's
     * associated FIB table to T", S16.2 "submit the packet to the egress IPv6 FIB lookup".
     * With USD at SL 0 the exposed inner packet is looked up in T as well (§4.16.3).
     */
    @Override
    public Verdict process(PacketContext ctx) {
        if (csid != null) {
            Verdict v = csid.shift(ctx);
            if (v != null) {
                return v == Verdict.FORWARD ? ctx.forward(table) : v;
            }
        }
        Verdict v = Endpoint.advance(ctx, flavors);
        return v == Verdict.FORWARD ? ctx.forward(table) : v;
    }
}
