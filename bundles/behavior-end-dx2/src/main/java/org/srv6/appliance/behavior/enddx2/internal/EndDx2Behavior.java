package org.srv6.appliance.behavior.enddx2.internal;

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

/** The End.DX2 behavior (RFC 8986 §4.9): decapsulate, send the inner Ethernet frame out of a port. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.DX2", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndDx2Behavior extends AbstractBehavior {

    public EndDx2Behavior() {
        super(d -> d.definition("Endpoint with decapsulation and L2 cross-connect").reference("RFC 8986 §4.9")
                .required(Attribute.OIF));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        return new EndDx2Instance(port(context, Attribute.OIF, a.oif()));
    }
}
