package org.srv6.appliance.behavior.tinsert.internal;

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
import org.srv6.appliance.api.behavior.SimpleConfig;
import org.srv6.appliance.api.packet.Srh;

/** T.Insert / H.Insert (draft-filsfils-spring-srv6-net-pgm-insertion), the kernel's seg6 {@code mode inline}. */
@Component(service = Behavior.class, property = {Behavior.KEYWORD_PROPERTY + "=inline",
        Behavior.KIND_PROPERTY + "=TRANSIT"})
public final class TInsertBehavior implements Behavior {
    private static final BehaviorDescriptor DESCRIPTOR = new BehaviorDescriptor("inline", BehaviorKind.TRANSIT,
            "Transit with insertion of an SRv6 policy", "draft-filsfils-spring-srv6-net-pgm-insertion §3 (T.Insert)",
            Set.of(Attribute.SEGS), Set.of(Attribute.MODE), Set.of());

    @Override
    public BehaviorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public BehaviorConfig parse(List<String> tokens) throws BehaviorException {
        Attributes a = AttributeParser.parse(DESCRIPTOR, tokens);
        if (!a.has(Attribute.SEGS) || a.segs().isEmpty()) {
            throw new BehaviorException("mode inline needs segs S1,...,Sn");
        }
        return new SimpleConfig("inline", a);
    }

    @Override
    public BehaviorInstance create(BehaviorConfig config, BehaviorContext context) throws BehaviorException {
        Attributes a = config.attributes();
        List<byte[]> segs = a.segs();
        // iproute2 adds a last slot, Segment List[0], that carries the original destination.
        List<byte[]> withDa = new java.util.ArrayList<>(segs);
        withDa.add(new byte[16]);
        return new TInsertInstance(Srh.build(withDa, 0), segs.get(0));
    }
}
