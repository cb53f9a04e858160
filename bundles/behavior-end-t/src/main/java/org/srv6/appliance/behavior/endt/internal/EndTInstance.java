package org.srv6.appliance.behavior.endt.internal;

import java.util.Set;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.Flavor;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;

/** One End.T SID: its table, flavors and C-SID masks precomputed. */
final class EndTInstance implements BehaviorInstance {
    private final int table;
    private final int flavors;
    private final boolean csid;
    private final int nflen;
    /** Bits of the locator block (kept on a shift). */
    private final long lbHi;
    private final long lbLo;
    /** Bits of the argument (the C-SIDs still to come). */
    private final long argHi;
    private final long argLo;

    EndTInstance(int table, Set<Flavor> flavorSet, int lblen, int nflen) {
        this.table = table;
        this.flavors = Endpoint.flavorBits(flavorSet);
        this.csid = flavorSet.contains(Flavor.NEXT_CSID);
        this.nflen = nflen;
        this.lbHi = maskHi(0, lblen);
        this.lbLo = maskLo(0, lblen);
        this.argHi = maskHi(lblen + nflen, 128);
        this.argLo = maskLo(lblen + nflen, 128);
    }

    /** @return the high 64 bits of a mask of bits [from, to) (bit 0 = most significant) */
    static long maskHi(int from, int to) {
        long m = 0;
        for (int i = from; i < to && i < 64; i++) {
            m |= 1L << (63 - i);
        }
        return m;
    }

    static long maskLo(int from, int to) {
        long m = 0;
        for (int i = Math.max(from, 64); i < to; i++) {
            m |= 1L << (127 - i);
        }
        return m;
    }

    /*
     * RFC 8986 §4.3: S01-S15 as End (§4.1 with the §4.16 flavors; RFC 9800 §4.1 NEXT-CSID
     * shifts the next C-SID in while the DA carries one), then S16.1 "set the packet's
     * associated FIB table to T", S16.2 "submit the packet to the egress IPv6 FIB lookup".
     * With USD at SL 0 the inner IPv6 packet is looked up in T as well (§4.16.3).
     */
    @Override
    public Verdict process(PacketContext ctx) {
        if (csid) {
            ByteBuf b = ctx.buf;
            int l3 = ctx.l3;
            if (l3 + Ipv6.LENGTH > b.writerIndex()) {
                return ctx.drop(DropReason.TRUNCATED);
            }
            long hi = Ipv6.dstHi(b, l3);
            long lo = Ipv6.dstLo(b, l3);
            if ((hi & argHi) != 0 || (lo & argLo) != 0) {
                if (Ipv6.hopLimit(b, l3) <= 1) {
                    return ctx.icmpError(Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
                }
                long sHi;
                long sLo;
                if (nflen < 64) {
                    sHi = (hi << nflen) | (lo >>> (64 - nflen));
                    sLo = lo << nflen;
                } else {
                    sHi = nflen == 64 ? lo : lo << (nflen - 64);
                    sLo = 0;
                }
                Ipv6.dst(b, l3, (hi & lbHi) | (sHi & ~lbHi), (lo & lbLo) | (sLo & ~lbLo));
                return ctx.forward(table);
            }
        }
        Verdict v = Endpoint.advance(ctx, flavors);
        return v == Verdict.FORWARD ? ctx.forward(table) : v;
    }
}
