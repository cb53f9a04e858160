package org.srv6.appliance.behavior.enddx6.internal;

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

/** The End.DX6 behavior (RFC 8986 §4.4): decapsulate, forward the inner IPv6 packet to an adjacency. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.DX6", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndDx6Behavior extends AbstractBehavior {

    public EndDx6Behavior() {
        super(d -> d.definition("Endpoint with decapsulation and IPv6 cross-connect").reference("RFC 8986 §4.4")
                .required(Attribute.NH6).optional(Attribute.OIF));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        return new EndDx6Instance(a.nh6(), port(context, Attribute.OIF, a.oif()));
    }
}
