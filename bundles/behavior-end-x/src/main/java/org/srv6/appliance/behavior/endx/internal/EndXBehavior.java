package org.srv6.appliance.behavior.endx.internal;

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

/**
 * The End.X behavior (RFC 8986 §4.2): End, then forward to a layer-3 adjacency; the flavors of
 * End (psp, usp, usd, next-csid with lblen/nflen, RFC 9800 §4.2).
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.X", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndXBehavior extends AbstractBehavior {

    public EndXBehavior() {
        super(d -> d.definition("Endpoint with L3 cross-connect").reference("RFC 8986 §4.2; RFC 9800")
                .required(Attribute.NH6).optional(Attribute.OIF, Attribute.FLAVORS, Attribute.LBLEN, Attribute.NFLEN)
                .flavors(Flavor.values()));
    }

    /** Checks the RFC 9800 locator-block and node-function lengths. */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        NextCsid.validate(a);
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        return new EndXInstance(Endpoint.flavorBits(a.flavors()), NextCsid.of(a), a.nh6(),
                port(context, Attribute.OIF, a.oif()));
    }
}
