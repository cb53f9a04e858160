package org.srv6.appliance.behavior.tencaps.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.packet.Srh;

/** T.Encaps / H.Encaps (RFC 8986 §5.1), the kernel's seg6 {@code mode encap}. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "encap", behavior_kind = BehaviorKind.TRANSIT)
public final class TEncapsBehavior extends AbstractBehavior {

    public TEncapsBehavior() {
        super(d -> d.definition("Transit with encapsulation in an SRv6 policy").reference("RFC 8986 §5.1")
                .required(Attribute.SEGS).optional(Attribute.TUNSRC, Attribute.MODE));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
        List<byte[]> segs = a.segs();
        byte[] src = a.has(Attribute.TUNSRC) ? a.tunsrc() : context.tunnelSource(context.devPort());
        // Next Header is patched per packet (41 or 4); the rest of the SRH is fixed.
        return new TEncapsInstance(Srh.build(segs, 41), src, segs.get(0));
    }
}
