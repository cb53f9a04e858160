package org.srv6.appliance.behavior.endb6.internal;

import java.util.ArrayList;
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
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/**
 * End.B6 as End.B6.Insert (draft-filsfils-spring-srv6-net-pgm-insertion, SPEC D4), with the
 * kernel's syntax {@code action End.B6 srh segs S1,...,Sn [hmac KEYID]}: the End step on the
 * received SRH, then the SRH of policy B inserted after the IPv6 header.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.B6", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndB6Behavior extends AbstractBehavior {

    public EndB6Behavior() {
        super(d -> d.definition("Endpoint bound to an SRv6 policy with insertion")
                .reference("draft-filsfils-spring-srv6-net-pgm-insertion (End.B6.Insert); SPEC D4")
                .required(Attribute.SRH_SEGS).optional(Attribute.HMAC));
    }

    /**
     * The inserted SRH holds the n segments and one more, Segment List[0], for the packet's next
     * segment; the kernel signs at most 14 segments.
     */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        int n = a.segs().size();
        int max = a.has(Attribute.HMAC) ? SrhHmac.MAX_SEGMENTS - 1 : Srh.MAX_SEGMENTS - 1;
        if (n > max) {
            throw new BehaviorException(keyword() + ": srh segs" + (a.has(Attribute.HMAC) ? " with hmac" : "")
                    + " takes at most " + max + " segments (the inserted SRH also carries the next segment), got " + n);
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        List<byte[]> segs = a.segs();
        SrhHmac hmac = hmac(context, a);
        // Segment List[0], the last slot, receives the packet's next segment per packet.
        List<byte[]> withNext = new ArrayList<>(segs);
        withNext.add(new byte[16]);
        return new EndB6Instance(Srh.build(withNext, 0, hmac == null ? -1 : hmac.keyId()), segs.get(0), hmac);
    }
}
