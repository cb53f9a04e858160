package org.srv6.appliance.behavior.endb6encapsred.internal;

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
 * End.B6.Encaps.Red (RFC 8986 §4.14): End.B6.Encaps with the reduced SRH of policy B (its first
 * SID only in the outer destination address; no SRH at all for one segment without HMAC).
 * Syntax as the kernel's End.B6.Encaps: {@code srh segs S1,...,Sn [hmac KEYID]}.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.B6.Encaps.Red", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndB6EncapsRedBehavior extends AbstractBehavior {

    public EndB6EncapsRedBehavior() {
        super(d -> d.definition("Endpoint bound to an SRv6 policy with reduced encapsulation")
                .reference("RFC 8986 §4.14").required(Attribute.SRH_SEGS).optional(Attribute.HMAC));
    }

    /**
     * The reduced SRH stores n - 1 segments (n when n = 1 with an HMAC); the kernel signs at most
     * 14 stored segments.
     */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        int n = a.segs().size();
        if (a.has(Attribute.HMAC)) {
            int stored = Math.max(1, n - 1);
            if (stored > SrhHmac.MAX_SEGMENTS) {
                throw new BehaviorException(keyword() + ": srh segs with hmac takes at most "
                        + (SrhHmac.MAX_SEGMENTS + 1) + " segments (the HMAC covers at most "
                        + SrhHmac.MAX_SEGMENTS + " in the reduced SRH), got " + n);
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
        byte[] srh = Srh.buildReduced(segs, Ipv6.PROTO_IPV6, hmac == null ? -1 : hmac.keyId());
        return new EndB6EncapsRedInstance(srh, context.tunnelSource(context.devPort()), segs.get(0), hmac);
    }
}
