package org.srv6.appliance.behavior.endbm.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;

/**
 * One End.BM SID: the label stack entries precomputed (label, TC 0, S bit on the bottom entry;
 * only the TTL is filled in per packet), the adjacency and its port resolved at creation.
 *
 * <p>How RFC 8986 §4.15 is read here. End.BM is "a variant of the End.B6.Encaps behavior"
 * (§4.13) whose policy B is an SR-MPLS policy: its pseudo-code is End.B6.Encaps' S01-S14 — the
 * End step on the received SRH, hop limit included — followed by
 * "S15. Push the MPLS label stack for B" and
 * "S16. Submit the packet to the MPLS engine for transmission" (to the topmost label).
 * Nothing is decapsulated: neither text has a decapsulation step, and the older
 * draft-filsfils-spring-srv6-network-programming-06 §4.17 says the same ("2. decrement SL and
 * update the IPv6 DA with SRH[SL] 3. push an MPLS label stack <L1, L2, L3> on the received
 * packet 4. forward according to L1"). The label stack goes on top of the IPv6 packet as the End
 * step left it (Segments Left −1, DA = the next segment), which the far end of the SR-MPLS
 * policy receives and goes on with. The TTL of every pushed entry is that IPv6 hop limit after S12 (SPEC §1.4,
 * as RFC 3032 §2.4.3 has an IP packet's first label take its TTL), TC 0, S = 1 on the bottom entry
 * (RFC 3032 §2.1); the list's first label is the top of the stack. Transmission to the topmost
 * label is the MPLS adjacency of the policy's first hop: {@code nh6}/{@code nh4} [oif], the
 * frame's Ethernet type 0x8847 (MPLS unicast, RFC 3032).
 */
final class EndBmInstance implements BehaviorInstance {
    /** Ethernet type of MPLS unicast (RFC 3032). */
    static final int ETHERTYPE_MPLS = 0x8847;

    /** Label stack entries, top first, without their TTL: label << 12 | TC 0 | S on the last. */
    private final int[] entries;
    private final byte[] nh6;
    private final int nh4;
    private final boolean v6;
    private final int outPort;

    private EndBmInstance(int[] labels, byte[] nh6, int nh4, int outPort) {
        int n = labels.length;
        this.entries = new int[n];
        for (int i = 0; i < n; i++) {
            entries[i] = labels[i] << 12 | (i == n - 1 ? 1 << 8 : 0);
        }
        this.v6 = nh6 != null;
        this.nh6 = v6 ? nh6.clone() : new byte[16];
        this.nh4 = nh4;
        this.outPort = outPort;
    }

    static EndBmInstance nh6(int[] labels, byte[] nh6, int outPort) {
        return new EndBmInstance(labels, nh6, 0, outPort);
    }

    static EndBmInstance nh4(int[] labels, int nh4, int outPort) {
        return new EndBmInstance(labels, null, nh4, outPort);
    }

    /*
     * RFC 8986 §4.15 (End.B6.Encaps' S01-S14 of §4.13, then S15-S16):
     * S01-S04 Segments Left 0: the upper layer, as §4.1.1 (LOCAL; SPEC D2);
     * S05-S07 hop limit <= 1: Time Exceeded on the packet as received (SPEC D3);
     * S08-S11 malformed SRH: Parameter Problem at Segments Left (SPEC D1);
     * S13-S14 Segments Left −1, DA = Segment List[Segments Left]  (Endpoint.advance, no flavor);
     * S12     hop limit −1 (here, since the core forwards the MPLS frame without IP processing);
     * S15     push the label stack, TTL = that hop limit, TC 0, S on the bottom entry;
     * S16     to the MPLS adjacency: L2_NH6 / L2_NH4 with Ethernet type 0x8847.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        Verdict v = Endpoint.advance(ctx, 0);
        if (v != Verdict.FORWARD) {
            return v;
        }
        ByteBuf b = ctx.buf;
        int ttl = Ipv6.hopLimit(b, ctx.l3) - 1; // advance answered Time Exceeded at <= 1
        Ipv6.hopLimit(b, ctx.l3, ttl);
        int[] e = entries;
        if (!ctx.pushFront(4 * e.length)) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        int p = ctx.l3;
        for (int i = 0; i < e.length; i++) {
            b.setInt(p + 4 * i, e[i] | ttl);
        }
        ctx.etherType = ETHERTYPE_MPLS;
        ctx.outPort = outPort;
        if (v6) {
            System.arraycopy(nh6, 0, ctx.nextHop6, 0, 16);
            return Verdict.L2_NH6;
        }
        ctx.nextHop4 = nh4;
        return Verdict.L2_NH4;
    }
}
