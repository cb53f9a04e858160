package org.srv6.appliance.behavior.end.internal;

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
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.Flavor;
import org.srv6.appliance.api.behavior.NextCsid;

/** The End behavior (RFC 8986 §4.1) with the psp, usp, usd and next-csid flavors. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndBehavior extends AbstractBehavior {
    public EndBehavior() {
        super(d -> d.definition("Endpoint").reference("RFC 8986 §4.1, §4.16; RFC 9800")
                .optional(Attribute.FLAVORS, Attribute.LBLEN, Attribute.NFLEN).flavors(Flavor.values()));
    }

    /** Checks the RFC 9800 locator-block and node-function lengths. */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        NextCsid.validate(a);
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
        return new EndInstance(Endpoint.flavorBits(a.flavors()), NextCsid.of(a));
    }
}
