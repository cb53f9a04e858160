package org.srv6.appliance.behavior.endad.internal;

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
 * End.AD, the dynamic SR proxy of draft-ietf-spring-sr-service-programming §6.3:
 * {@code nh6 A | nh4 A oif PORT iif PORT}. As End.AS, but the headers put back on the traffic
 * coming back on iif are the ones learnt from the last packet that went to the service (after
 * the End step), not configured.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.AD", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndAdBehavior extends AbstractBehavior {

    public EndAdBehavior() {
        super(d -> d.definition("Endpoint to SR-unaware service via dynamic proxy")
                .reference("draft-ietf-spring-sr-service-programming §6.3")
                .oneOf(Attribute.NH6, Attribute.NH4).required(Attribute.OIF, Attribute.IIF));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        int oif = port(context, Attribute.OIF, a.oif());
        int iif = port(context, Attribute.IIF, a.iif());
        return new EndAdInstance(a.has(Attribute.NH6) ? a.nh6() : null, a.nh4(), oif, iif);
    }
}
