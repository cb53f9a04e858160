package org.srv6.appliance.behavior.enddt4.internal;

import org.osgi.service.component.annotations.Component;
import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.BehaviorType;

/** The End.DT4 behavior (RFC 8986 §4.7): decapsulate, then look the inner IPv4 destination up in table T. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.DT4", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndDT4Behavior extends AbstractBehavior {

    public EndDT4Behavior() {
        super(d -> d.definition("Endpoint with decapsulation and specific IPv4 table lookup").reference("RFC 8986 §4.7")
                .oneOf(Attribute.TABLE, Attribute.VRFTABLE));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
        return new EndDT4Instance(a.table(), false, true);
    }
}
