package org.srv6.appliance.behavior.endas.internal;

import java.util.List;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.ServiceProxy;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * One End.AS SID: the service's next hop and ports, and the CACHE (outer IPv6 header with SA =
 * src, DA = the active segment, and the SRH of segs) built once; the packet path copies it.
 */
final class EndAsInstance implements BehaviorInstance {
    /** Offset of the SRH's Next Header field in {@link #cache}: it names the inner packet. */
    private static final int SRH_NEXT_HEADER = Ipv6.LENGTH + Srh.NEXT_HEADER;

    private final byte[] nh6;
    private final int nh4;
    private final int oif;
    private final int iif;
    private final boolean ipv6Service;
    /** IPv6 header (version, lengths, hop limit filled per packet) and SRH. */
    private final byte[] cache;
    /**
     * The inner type last sent to the service (ServiceProxy.ETHERNET for an L2 service), written
     * only when it changes: the return path takes group-addressed frames only from an L2 service.
     */
    private volatile int served;

    EndAsInstance(byte[] nh6, int nh4, int oif, int iif, byte[] src, List<byte[]> segs, int active) {
        this.nh6 = nh6 == null ? null : nh6.clone();
        this.nh4 = nh4;
        this.oif = oif;
        this.iif = iif;
        this.ipv6Service = nh6 != null;
        byte[] srh = Srh.build(segs, 0);
        // Segments Left names the active segment: Segment List[SL] is S(active+1) of the typed list
        srh[Srh.SEGMENTS_LEFT] = (byte) (segs.size() - 1 - active);
        this.cache = new byte[Ipv6.LENGTH + srh.length];
        cache[0] = 0x60;
        cache[Ipv6.NEXT_HEADER] = (byte) Ipv6.PROTO_ROUTING;
        System.arraycopy(src, 0, cache, Ipv6.SRC, 16);
        System.arraycopy(segs.get(active), 0, cache, Ipv6.DST, 16);
        System.arraycopy(srh, 0, cache, Ipv6.LENGTH, srh.length);
    }

    @Override
    public int returnPort() {
        return iif;
    }

    /*
     * §6.2, SRv6 pseudo-code, first part ("Upon receiving an IPv6 packet destined for S"):
     * 1. IF ENH == 41 (IPv6 service), 4 (IPv4 service) or 143 (Ethernet, an L2 service; the
     *    draft's earlier revisions wrote 59 for the Ethernet variant, RFC 8986 assigns 143) THEN
     * 2.     Remove the (outer) IPv6 header and its extension headers
     * 3.     Forward the exposed packet on IFACE-OUT towards NH-ADDR (the frame as it is for Ethernet)
     * 4. ELSE
     * 5.     Drop the packet
     * The static proxy does not look at the SRH (no End step): the CACHE says where traffic goes next.
     */
    @Override
    public Verdict process(PacketContext ctx) {
        long chain = ServiceProxy.outerChain(ctx);
        if (chain < 0) {
            return Verdict.DROP;
        }
        int enh = ServiceProxy.enh(chain);
        Verdict v = ServiceProxy.toService(ctx, enh, ServiceProxy.inner(chain), nh6, nh4, oif);
        if (v != Verdict.DROP && served != enh) {
            served = enh;
        }
        return v;
    }

    /*
     * §6.2, SRv6 pseudo-code, second part ("Upon receiving a non-link-local IPv6 packet on
     * IFACE-IN" / IPv4 / "an Ethernet frame with a destination address different than the
     * interface address"):
     * 1. Decrement Hop Limit (TTL and checksum): not done to the inner header, SPEC §1.4 — the
     *    pushed header takes the inner hop limit and the core's forwarding decrements that one.
     * 2-4. IF CACHE.SRH THEN push CACHE.SRH on top of the packet, NH of the pushed SRH = 41/4/143
     * 5. Push outer IPv6 header with SA, DA from CACHE (traffic class and flow label: SPEC §1.4)
     * 6. Set outer payload length and flow label
     * 7. Set NH value to 43 (the SRH is always there)
     * 8. Lookup outer DA in appropriate table and proceed accordingly: FORWARD in the ingress table.
     */
    @Override
    public Verdict processReturn(PacketContext ctx) {
        int type = ServiceProxy.returned(ctx, ipv6Service, served == ServiceProxy.ETHERNET);
        if (type < 0) {
            return Verdict.DROP;
        }
        if (!ServiceProxy.makeRoom(ctx, cache.length)) {
            return Verdict.DROP;
        }
        ByteBuf b = ctx.buf;
        b.setBytes(ctx.l3, cache);
        return ServiceProxy.pushed(ctx, cache.length, SRH_NEXT_HEADER, type);
    }
}
