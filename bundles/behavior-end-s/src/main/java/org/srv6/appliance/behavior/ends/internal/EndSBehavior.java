package org.srv6.appliance.behavior.ends.internal;

import org.osgi.service.component.annotations.Component;
import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.BehaviorType;

/**
 * The End.S behavior (draft-filsfils-spring-srv6-network-programming-06 §4.18, dropped by RFC
 * 8986): when the last segment, the targeted object, has a route in table T the packet goes
 * there untouched but for its hop limit; otherwise End.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.S", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndSBehavior extends AbstractBehavior {

    public EndSBehavior() {
        super(d -> d.definition("Endpoint in search of a target in table T")
                .reference("draft-filsfils-spring-srv6-network-programming-06 §4.18")
                .required(Attribute.TABLE));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
        return new EndSInstance(a.table());
    }
}
