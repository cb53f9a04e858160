package org.srv6.appliance.behavior.end.internal;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.NextCsid;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/** One End SID: flavor bits and the C-SID masks (null without next-csid) precomputed. */
final class EndInstance implements BehaviorInstance {
    private final int flavors;
    private final NextCsid csid;

    EndInstance(int flavors, NextCsid csid) {
        this.flavors = flavors;
        this.csid = csid;
    }

    /*
     * RFC 9800 §4.1.1 (End with NEXT-CSID): when the DA still carries C-SIDs after the active
     * one, shift them in (keeping the locator block) and forward without touching any SRH;
     * else fall back to RFC 8986 §4.1: S01 SRH present, S02-S03 SL = 0 upper layer (USP/USD
     * variants §4.16.2-3, USD exposing IPv6 or IPv4), S04-S06 hop limit <= 1 Time Exceeded
     * (before rewriting, SPEC D3), S09-S15 SL--, DA = Segment List[SL], PSP §4.16.1 S14.1-S14.4
     * pop at SL 0, S16 forward.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        if (csid != null) {
            Verdict v = csid.shift(ctx);
            if (v != null) {
                return v == Verdict.FORWARD ? ctx.forward(ctx.inTable) : v;
            }
        }
        Verdict v = Endpoint.advance(ctx, flavors);
        return v == Verdict.FORWARD ? ctx.forward(ctx.inTable) : v;
    }
}
