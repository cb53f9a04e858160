package org.srv6.appliance.behavior.endb6encaps.internal;

import java.util.List;

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
 * End.B6.Encaps (RFC 8986 §4.13), the kernel's seg6local {@code action End.B6.Encaps srh segs
 * S1,...,Sn [hmac KEYID]}: the End step on the received SRH, then a new outer IPv6 header with
 * the SRH of policy B.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.B6.Encaps", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndB6EncapsBehavior extends AbstractBehavior {

    public EndB6EncapsBehavior() {
        super(d -> d.definition("Endpoint bound to an SRv6 policy with encapsulation").reference("RFC 8986 §4.13")
                .required(Attribute.SRH_SEGS).optional(Attribute.HMAC));
    }

    /** The SRH holds n segments; an HMAC TLV takes room, and the kernel signs at most 14 segments. */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        int n = a.segs().size();
        if (a.has(Attribute.HMAC)) {
            if (n > SrhHmac.MAX_SEGMENTS) {
                throw new BehaviorException(keyword() + ": srh segs with hmac takes at most " + SrhHmac.MAX_SEGMENTS
                        + " segments (the HMAC covers at most " + SrhHmac.MAX_SEGMENTS + "), got " + n);
            }
        } else if (n > Srh.MAX_SEGMENTS) {
            throw new BehaviorException(keyword() + ": srh segs takes at most " + Srh.MAX_SEGMENTS
                    + " segments, got " + n);
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        List<byte[]> segs = a.segs();
        SrhHmac hmac = hmac(context, a);
        byte[] srh = Srh.build(segs, Ipv6.PROTO_IPV6, hmac == null ? -1 : hmac.keyId());
        return new EndB6EncapsInstance(srh, context.tunnelSource(context.devPort()), segs.get(0), hmac);
    }
}
