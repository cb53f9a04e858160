package org.srv6.appliance.behavior.endam.internal;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * One End.AM SID: the service's address {@code nh6}, the port toward it ({@code oif}) and the
 * port it sends back on ({@code iif}, claimed through {@link #returnPort()}).
 *
 * <p>The draft's pseudo-code is read in its current form: masquerading decrements SL before
 * writing Segment List[0] into the DA, so the SRH the service sees already points at the next
 * segment and de-masquerading only copies Segment List[SL] back into the DA. The older texts
 * (draft-xuclad-spring-sr-service-programming) decremented on the way back instead; the packet
 * that leaves after the service is the same either way. Since SL may be 0 on the way back (the
 * proxy SID was the penultimate segment), de-masquerading asks for an SRH, not for SL > 0.
 *
 * <p>Hop limits (SPEC §1.4): each direction is IP forwarding, so the core decrements once on the
 * way to the service (FORWARD_NH6) and once again after it (FORWARD); both directions check the
 * hop limit before rewriting (SPEC D3), so that Time Exceeded quotes the packet as received.
 */
final class EndAmInstance implements BehaviorInstance {
    private final byte[] nh6;
    private final int outPort;
    private final int inPort;

    EndAmInstance(byte[] nh6, int outPort, int inPort) {
        this.nh6 = nh6.clone();
        this.outPort = outPort;
        this.inPort = inPort;
    }

    /*
     * draft-ietf-spring-sr-service-programming §6.4.1, masquerading, for a packet to the SID
     * (the current revision's lines; draft-xuclad-spring-sr-service-programming-02 had the same
     * without line 2):
     * 1. IF NH=SRH AND SL > 0 THEN
     * 2.     Decrement SL
     * 3.     Update the IPv6 DA with SRH[0]
     * 4.     Forward the packet on IFACE-OUT          (FORWARD_NH6 to nh6 out oif)
     * 5. ELSE
     * 6.     Drop the packet                          (no-srh, sl-zero)
     * The SRH is checked as every endpoint checks it (SPEC D1: malformed gets Parameter Problem)
     * before SRH[0] is read.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 + Ipv6.LENGTH > end || Ipv6.version(b, l3) != 6) {
            return ctx.drop(DropReason.BAD_IP_HEADER);
        }
        // 1: NH=SRH
        int srh = Srh.locate(b, l3, end);
        if (srh == Srh.TRUNCATED) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (srh == Srh.ABSENT) {
            return ctx.drop(DropReason.NO_SRH); // 5-6
        }
        int v = Srh.validate(b, srh, end);
        if (v == Srh.MALFORMED) {
            return ctx.icmpError(Icmp6.PARAMETER_PROBLEM, Icmp6.PARAM_ERRONEOUS_FIELD,
                    srh - l3 + Srh.SEGMENTS_LEFT, DropReason.SRH_MALFORMED);
        }
        if (v != Srh.OK) {
            return ctx.drop(DropReason.SRH_OVERRUN);
        }
        // 1: SL > 0, else 5-6
        int sl = Srh.segmentsLeft(b, srh);
        if (sl == 0) {
            return ctx.drop(DropReason.SL_ZERO);
        }
        // SPEC D3: the hop limit is checked before the SRH and the DA change
        if (Ipv6.hopLimit(b, l3) <= 1) {
            return ctx.icmpError(Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
        }
        // 2
        Srh.segmentsLeft(b, srh, sl - 1);
        // 3
        Ipv6.dst(b, l3, Srh.segmentHi(b, srh, 0), Srh.segmentLo(b, srh, 0));
        // 4: the core decrements the hop limit and resolves nh6 on oif
        System.arraycopy(nh6, 0, ctx.nextHop6, 0, 16);
        ctx.outPort = outPort;
        return Verdict.FORWARD_NH6;
    }

    @Override
    public int returnPort() {
        return inPort;
    }

    /*
     * draft-ietf-spring-sr-service-programming §6.4.1, de-masquerading, for what arrives on
     * IFACE-IN (the core keeps ARP, NDP and packets to the appliance's own addresses):
     *   "Upon receiving a non-link-local IPv6 packet on IFACE-IN"
     * 1. IF NH=SRH AND SL > 0 THEN                    (read as IF NH=SRH: SL is 0 here when the
     *                                                  proxy SID was the penultimate segment,
     *                                                  see the class comment)
     * 2.     Update the IPv6 DA with SRH[SL]
     * 3.     Lookup DA in appropriate table and proceed accordingly
     *                                                 (FORWARD in the ingress table, as End)
     * A packet that matches nothing (not IPv6, link-local destination, no SRH, an SRH that is
     * malformed or whose SL points past the list) is dropped and counted: it is the service's,
     * not the network's, so no Parameter Problem goes back.
     */
    @Override
    public Verdict processReturn(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (l3 < Ethernet.LENGTH || b.getUnsignedShort(l3 - 2) != Ethernet.TYPE_IPV6) {
            return ctx.drop(DropReason.BAD_ETHERTYPE);
        }
        if (l3 + Ipv6.LENGTH > end) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (Ipv6.version(b, l3) != 6) {
            return ctx.drop(DropReason.BAD_IP_VERSION);
        }
        if ((Ipv6.dstHi(b, l3) >>> 54) == (0xfe80L >>> 6)) {
            return ctx.drop(DropReason.NOT_FOR_US); // fe80::/10: "non-link-local" only
        }
        // 1
        int srh = Srh.locate(b, l3, end);
        if (srh == Srh.TRUNCATED) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        if (srh == Srh.ABSENT) {
            return ctx.drop(DropReason.NO_SRH);
        }
        int v = Srh.validate(b, srh, end);
        if (v == Srh.MALFORMED) {
            return ctx.drop(DropReason.SRH_MALFORMED);
        }
        if (v != Srh.OK) {
            return ctx.drop(DropReason.SRH_OVERRUN);
        }
        int sl = Srh.segmentsLeft(b, srh);
        if (sl > Srh.lastEntry(b, srh)) {
            return ctx.drop(DropReason.SRH_MALFORMED); // SRH[SL] is not in the list
        }
        // SPEC D3 as on the way in: checked before the DA changes
        if (Ipv6.hopLimit(b, l3) <= 1) {
            return ctx.icmpError(Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
        }
        // 2
        Ipv6.dst(b, l3, Srh.segmentHi(b, srh, sl), Srh.segmentLo(b, srh, sl));
        // 3: the core decrements the hop limit (SPEC §1.4: de-masquerading -1 again)
        return ctx.forward(ctx.inTable);
    }
}
