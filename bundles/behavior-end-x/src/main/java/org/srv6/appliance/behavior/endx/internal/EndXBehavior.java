package org.srv6.appliance.behavior.endx.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.AttributeParser;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorDescriptor;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.Flavor;
import org.srv6.appliance.api.behavior.SimpleConfig;

/** The End.X behavior (RFC 8986 §4.2): End, then forward to a layer-3 adjacency. */
@Component(service = Behavior.class, property = {Behavior.KEYWORD_PROPERTY + "=End.X",
        Behavior.KIND_PROPERTY + "=ENDPOINT"})
public final class EndXBehavior implements Behavior {
    private static final BehaviorDescriptor DESCRIPTOR = new BehaviorDescriptor("End.X", BehaviorKind.ENDPOINT,
            "Endpoint with L3 cross-connect", "RFC 8986 §4.2",
            Set.of(Attribute.NH6), Set.of(Attribute.OIF, Attribute.FLAVORS),
            EnumSet.of(Flavor.PSP, Flavor.USP, Flavor.USD));

    @Override
    public BehaviorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public BehaviorConfig parse(List<String> tokens) throws BehaviorException {
        Attributes a = AttributeParser.parse(DESCRIPTOR, tokens);
        if (!a.has(Attribute.NH6)) {
            throw new BehaviorException("End.X needs nh6 ADDRESS");
        }
        return new SimpleConfig("End.X", a);
    }

    @Override
    public BehaviorInstance create(BehaviorConfig config, BehaviorContext context) throws BehaviorException {
        Attributes a = config.attributes();
        if (!a.has(Attribute.NH6)) {
            throw new BehaviorException("End.X needs nh6 ADDRESS");
        }
        int out = -1;
        if (a.has(Attribute.OIF)) {
            out = context.portIndex(a.oif());
            if (out < 0) {
                throw new BehaviorException("unknown port " + a.oif() + " for oif; expected an existing port name");
            }
        }
        return new EndXInstance(Endpoint.flavorBits(a.flavors()), a.nh6(), out);
    }
}
