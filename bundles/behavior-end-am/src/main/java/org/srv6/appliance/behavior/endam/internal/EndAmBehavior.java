package org.srv6.appliance.behavior.endam.internal;

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
 * The End.AM behavior, the masquerading SR proxy of draft-ietf-spring-sr-service-programming
 * §6.4: it hands an SR-unaware service (at {@code nh6}, out {@code oif}) the packet with the last
 * segment as its destination, SRH kept, and restores the active segment as the destination of
 * what the service sends back on {@code iif}. Both ports must exist when the SID is added.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.AM", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndAmBehavior extends AbstractBehavior {

    public EndAmBehavior() {
        super(d -> d.definition("Endpoint to SR-unaware service via masquerading proxy")
                .reference("draft-ietf-spring-sr-service-programming §6.4")
                .required(Attribute.NH6, Attribute.OIF, Attribute.IIF));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        return new EndAmInstance(a.nh6(), port(context, Attribute.OIF, a.oif()), port(context, Attribute.IIF, a.iif()));
    }
}
