package org.srv6.appliance.behavior.endt.internal;

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

/** The End.T behavior (RFC 8986 §4.3): End, then the lookup of the new destination in table T. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.T", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndTBehavior extends AbstractBehavior {
    public EndTBehavior() {
        super(d -> d.definition("Endpoint with specific IPv6 table lookup").reference("RFC 8986 §4.3, §4.16; RFC 9800")
                .required(Attribute.TABLE).optional(Attribute.FLAVORS, Attribute.LBLEN, Attribute.NFLEN)
                .flavors(Flavor.values()));
    }

    /** Checks the RFC 9800 locator-block and node-function lengths, as End does. */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        NextCsid.validate(a);
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
        return new EndTInstance(a.table(), Endpoint.flavorBits(a.flavors()), NextCsid.of(a));
    }
}
