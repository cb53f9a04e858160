package org.srv6.appliance.behavior.endad.internal;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.ServiceProxy;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/** One End.AD SID: the service's next hop and ports, and the cache C(IFACE-IN). */
final class EndAdInstance implements BehaviorInstance {
    /** The lowest index a pushed header may start at: the core needs 14 bytes for Ethernet before it. */
    private static final int LOWEST = 14;

    private final byte[] nh6;
    private final int nh4;
    private final int oif;
    private final int iif;
    private final boolean ipv6Service;
    private final HeaderCache cache = new HeaderCache();

    EndAdInstance(byte[] nh6, int nh4, int oif, int iif) {
        this.nh6 = nh6 == null ? null : nh6.clone();
        this.nh4 = nh4;
        this.oif = oif;
        this.iif = iif;
        this.ipv6Service = nh6 != null;
    }

    @Override
    public int returnPort() {
        return iif;
    }

    /*
     * §6.3: the static proxy's SRv6 pseudo-code (§6.2) with the dynamic proxy's lines between
     * its lines 1 and 2:
     * 1.   IF ENH == 41 (IPv6 service), 4 (IPv4 service) or 143 (Ethernet) THEN, ELSE 5. drop
     * d1.    IF NH=SRH & SL > 0 THEN (an SRH anywhere on the chain; none or SL = 0: d5-d6 drop)
     * d2.      Decrement SL and update the IPv6 DA with SRH[SL]
     * d3.      IF C(IFACE-IN) different from IPv6 encaps THEN (HeaderCache.learn)
     * d4.        Copy the IPv6 encaps into C(IFACE-IN): the IPv6 header and every extension
     *            header, at most HeaderCache.MAX bytes; a longer one is not learnt and the packet
     *            is dropped (proxy-header-too-long)
     * 2.     Remove the (outer) IPv6 header and its extension headers
     * 3.     Forward the exposed packet on IFACE-OUT towards NH-ADDR (the frame as it is for Ethernet)
     */
    @Override
    public Verdict process(PacketContext ctx) {
        long chain = ServiceProxy.outerChain(ctx);
        if (chain < 0) {
            return Verdict.DROP;
        }
        int enh = ServiceProxy.enh(chain);
        int inner = ServiceProxy.inner(chain);
        if (enh != ServiceProxy.ETHERNET && enh != (ipv6Service ? ServiceProxy.IPV6 : ServiceProxy.IPV4)) {
            return ctx.drop(DropReason.UNSUPPORTED_PAYLOAD);
        }
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int srh = Srh.locate(b, l3, inner);
        if (srh < 0) {
            return ctx.drop(DropReason.NO_SRH);
        }
        int sl = Srh.segmentsLeft(b, srh);
        if (sl == 0) {
            return ctx.drop(DropReason.SL_ZERO);
        }
        int len = inner - l3;
        if (len > HeaderCache.MAX) {
            return ctx.drop(DropReason.PROXY_HEADER_TOO_LONG);
        }
        sl--;
        Srh.segmentsLeft(b, srh, sl);
        Ipv6.dst(b, l3, Srh.segmentHi(b, srh, sl), Srh.segmentLo(b, srh, sl));
        cache.learn(b, l3, len, lastNextHeader(b, l3, inner) - l3, enh);
        return ServiceProxy.toService(ctx, enh, inner, nh6, nh4, oif);
    }

    /** @return the index of the Next Header field that names the header at {@code inner} */
    private static int lastNextHeader(ByteBuf b, int l3, int inner) {
        int field = l3 + Ipv6.NEXT_HEADER;
        int p = l3 + Ipv6.LENGTH;
        while (p < inner) {
            field = p;
            p += 8 + 8 * b.getUnsignedByte(p + 1);
        }
        return field;
    }

    /*
     * §6.3: "Any non-link-local IP packet or non-local Ethernet frame received on that interface
     * will be re-encapsulated with the cached headers as described in Section 6.2", and "the
     * inbound policy should check that C(IFACE-IN) has been defined before attempting to restore
     * the IPv6 encapsulation and drop the packet otherwise" (proxy-not-learnt). Then the static
     * inbound policy with CACHE = C(IFACE-IN): push the learnt header, NH of its last extension
     * header = 41/4/143, payload length, traffic class, flow label and hop limit as SPEC §1.4 says
     * (the inner header untouched), lookup of the learnt DA, i.e. the next segment.
     */
    @Override
    public Verdict processReturn(PacketContext ctx) {
        int type = ServiceProxy.returned(ctx, ipv6Service, cache.innerType() == ServiceProxy.ETHERNET);
        if (type < 0) {
            return Verdict.DROP;
        }
        long got = cache.copyBefore(ctx.buf, ctx.l3, LOWEST);
        if (got == -1) {
            return ctx.drop(DropReason.PROXY_NOT_LEARNT);
        }
        if (got == -3) {
            return ctx.drop(DropReason.NO_HEADROOM);
        }
        if (got < 0) {
            return ctx.drop(DropReason.INTERNAL);
        }
        int len = (int) got;
        if (ctx.l3Length() + len - Ipv6.LENGTH > 0xffff) {
            return ctx.drop(DropReason.MTU_EXCEEDED);
        }
        ctx.pushFront(len);
        return ServiceProxy.pushed(ctx, len, (int) (got >>> 32), type);
    }

    @Override
    public String status() {
        if (!cache.learnt()) {
            return "nothing learnt";
        }
        long ago = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cache.learntAt());
        return "learnt " + Math.max(0, ago) + "s ago";
    }
}
