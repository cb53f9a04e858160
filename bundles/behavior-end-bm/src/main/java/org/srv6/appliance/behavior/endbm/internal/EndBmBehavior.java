package org.srv6.appliance.behavior.endbm.internal;

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

/**
 * The End.BM behavior (RFC 8986 §4.15): the End step on the received SRH, then the SR-MPLS
 * policy's label stack pushed on the (still SRv6) IPv6 packet, sent to the MPLS adjacency
 * {@code nh6 A | nh4 A [oif PORT]}.
 *
 * <p>Labels are those iproute2's MPLS syntax takes, {@code L1/L2/...} with each label 0-1048575
 * (the parser refuses anything else; the reserved values 0-15 are accepted as iproute2 accepts
 * them); at most {@value #MAX_LABELS} labels, the first on top.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.BM", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndBmBehavior extends AbstractBehavior {
    /** The longest label stack accepted (the kernel's MPLS encap takes up to 30; 16 is plenty and keeps the push small). */
    static final int MAX_LABELS = 16;

    public EndBmBehavior() {
        super(d -> d.definition("Endpoint bound to an SR-MPLS policy").reference("RFC 8986 §4.15")
                .required(Attribute.MPLS).oneOf(Attribute.NH6, Attribute.NH4).optional(Attribute.OIF));
    }

    @Override
    protected void validate(Attributes a) throws BehaviorException {
        int n = a.mpls().length;
        if (n > MAX_LABELS) {
            throw new BehaviorException(keyword() + ": mpls takes at most " + MAX_LABELS + " labels, got " + n);
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        int oif = port(context, Attribute.OIF, a.oif());
        return a.has(Attribute.NH6) ? EndBmInstance.nh6(a.mpls(), a.nh6(), oif) : EndBmInstance.nh4(a.mpls(), a.nh4(), oif);
    }
}
