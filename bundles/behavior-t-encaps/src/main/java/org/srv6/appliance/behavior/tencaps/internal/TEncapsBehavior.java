package org.srv6.appliance.behavior.tencaps.internal;

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
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/** T.Encaps / H.Encaps (RFC 8986 §5.1), the kernel's seg6 {@code mode encap}. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "encap", behavior_kind = BehaviorKind.TRANSIT)
public final class TEncapsBehavior extends AbstractBehavior {

    public TEncapsBehavior() {
        super(d -> d.definition("Transit with encapsulation in an SRv6 policy").reference("RFC 8986 §5.1")
                .required(Attribute.SEGS).optional(Attribute.TUNSRC, Attribute.HMAC, Attribute.MODE));
    }

    /** The kernel accepts more but cannot sign them: every packet would be dropped (seg6_hmac_compute). */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        if (a.has(Attribute.HMAC) && a.segs().size() > SrhHmac.MAX_SEGMENTS) {
            throw new BehaviorException("encap with hmac signs at most " + SrhHmac.MAX_SEGMENTS + " segments, not "
                    + a.segs().size() + "; expected fewer segs or no hmac");
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        List<byte[]> segs = a.segs();
        byte[] src = a.has(Attribute.TUNSRC) ? a.tunsrc() : context.tunnelSource(context.devPort());
        SrhHmac signer = hmac(context, a);
        // Next Header is patched per packet (41 or 4); the rest of the SRH is fixed.
        byte[] srh = Srh.build(segs, 41, signer == null ? -1 : signer.keyId());
        if (signer != null) {
            sign(signer, src, srh);
        }
        return new TEncapsInstance(srh, src, segs.get(0));
    }

    /**
     * Fills the HMAC field of the template: what the kernel's seg6_push_hmac signs (the outer
     * source, Last Entry, Flags, Key ID, the segments) is the same for every packet of the route,
     * and the instance is made again when the tunnel source or the key changes.
     */
    static void sign(SrhHmac signer, byte[] src, byte[] srh) {
        ByteBuf b = Unpooled.buffer(16 + srh.length);
        try {
            b.writeBytes(src).writeBytes(srh);
            if (!signer.sign(b, 0, 16, Srh.hmacTlv(b, 16))) {
                throw new IllegalStateException("SRH of " + (Srh.lastEntry(b, 16) + 1) + " segments cannot be signed");
            }
            b.getBytes(16, srh);
        } finally {
            b.release();
        }
    }
}
