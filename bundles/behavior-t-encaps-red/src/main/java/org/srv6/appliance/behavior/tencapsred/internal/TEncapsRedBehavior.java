package org.srv6.appliance.behavior.tencapsred.internal;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.osgi.service.component.annotations.Component;
import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/**
 * H.Encaps.Red (RFC 8986 §5.2), the kernel's seg6 {@code mode encap.red}
 * (seg6_do_srh_encap_red): as H.Encaps, but the first segment travels only in the outer
 * destination address, so the SRH holds S2…Sn (Last Entry n-2, Segments Left n-1); one segment
 * without HMAC pushes no SRH at all; one segment with HMAC keeps the full SRH, as the kernel does.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "encap.red", behavior_kind = BehaviorKind.TRANSIT)
public final class TEncapsRedBehavior extends AbstractBehavior {

    public TEncapsRedBehavior() {
        super(d -> d.definition("Transit with reduced encapsulation in an SRv6 policy").reference("RFC 8986 §5.2")
                .required(Attribute.SEGS).optional(Attribute.TUNSRC, Attribute.MODE, Attribute.HMAC));
    }

    /**
     * The HMAC text holds at most {@link SrhHmac#MAX_SEGMENTS} segments (the kernel's
     * SEG6_HMAC_RING_SIZE), and the reduced SRH holds n-1 of them: the kernel accepts a longer list
     * and then drops every packet; here the route is refused.
     */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        int n = a.segs().size();
        if (a.has(Attribute.HMAC) && n - 1 > SrhHmac.MAX_SEGMENTS) {
            throw new BehaviorException(keyword() + ": segs with hmac takes at most " + (SrhHmac.MAX_SEGMENTS + 1)
                    + " segments (the reduced SRH signs " + SrhHmac.MAX_SEGMENTS + "), not " + n);
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        SrhHmac hmac = hmac(context, a);
        List<byte[]> segs = a.segs();
        byte[] src = a.has(Attribute.TUNSRC) ? a.tunsrc() : context.tunnelSource(context.devPort());
        long keyId = hmac == null ? -1 : hmac.keyId();
        // Next Header is patched per packet (41 or 4); the rest of the SRH is fixed.
        byte[] srh = Srh.buildReduced(segs, Ipv6.PROTO_IPV6, keyId);
        return new TEncapsRedInstance(header(src, segs.get(0), srh, hmac), srh.length);
    }

    /**
     * The pushed headers as far as they do not depend on the packet: the outer IPv6 header
     * (source, destination = S1, Next Header 43 when there is an SRH) and the SRH. The HMAC covers
     * only the outer source, Last Entry, Flags, Key ID and the segment list (RFC 8754 §2.1.2.1), all
     * fixed for the route, so it is computed here once; the core re-creates the instance when the
     * source changes (ip sr tunsrc, addresses).
     */
    static byte[] header(byte[] src, byte[] firstSegment, byte[] srh, SrhHmac hmac) throws BehaviorException {
        byte[] h = new byte[Ipv6.LENGTH + srh.length];
        ByteBuf b = Unpooled.wrappedBuffer(h);
        try {
            b.setByte(0, 0x60);
            Ipv6.nextHeader(b, 0, srh.length == 0 ? Ipv6.PROTO_IPV6 : Ipv6.PROTO_ROUTING);
            b.setBytes(8, src);
            b.setBytes(24, firstSegment);
            b.setBytes(Ipv6.LENGTH, srh);
            if (hmac != null) {
                int tlv = Srh.hmacTlv(b, Ipv6.LENGTH);
                if (tlv < 0 || !hmac.sign(b, 8, Ipv6.LENGTH, tlv)) {
                    throw new BehaviorException("encap.red: the SRH cannot be signed with hmac " + hmac.keyId());
                }
            }
            return h;
        } finally {
            b.release();
        }
    }
}
