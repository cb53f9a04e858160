package org.srv6.appliance.behavior.enddx4.internal;

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

/** The End.DX4 behavior (RFC 8986 §4.5): decapsulate, forward the inner IPv4 packet to an adjacency. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.DX4", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndDx4Behavior extends AbstractBehavior {

    public EndDx4Behavior() {
        super(d -> d.definition("Endpoint with decapsulation and IPv4 cross-connect").reference("RFC 8986 §4.5")
                .required(Attribute.NH4).optional(Attribute.OIF));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        return new EndDx4Instance(a.nh4(), port(context, Attribute.OIF, a.oif()));
    }
}
