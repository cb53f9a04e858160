package org.srv6.appliance.behavior.tencaps.internal;

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

/** T.Encaps / H.Encaps (RFC 8986 §5.1), the kernel's seg6 {@code mode encap}. */
@Component(service = Behavior.class, property = {Behavior.KEYWORD_PROPERTY + "=encap",
        Behavior.KIND_PROPERTY + "=TRANSIT"})
public final class TEncapsBehavior implements Behavior {
    private static final BehaviorDescriptor DESCRIPTOR = new BehaviorDescriptor("encap", BehaviorKind.TRANSIT,
            "Transit with encapsulation in an SRv6 policy", "RFC 8986 §5.1",
            Set.of(Attribute.SEGS), Set.of(Attribute.TUNSRC, Attribute.MODE), Set.of());

    @Override
    public BehaviorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public BehaviorConfig parse(List<String> tokens) throws BehaviorException {
        Attributes a = AttributeParser.parse(DESCRIPTOR, tokens);
        if (!a.has(Attribute.SEGS) || a.segs().isEmpty()) {
            throw new BehaviorException("mode encap needs segs S1,...,Sn");
        }
        return new SimpleConfig("encap", a);
    }

    @Override
    public BehaviorInstance create(BehaviorConfig config, BehaviorContext context) throws BehaviorException {
        Attributes a = config.attributes();
        List<byte[]> segs = a.segs();
        byte[] src = a.has(Attribute.TUNSRC) ? a.tunsrc() : context.tunnelSource(context.devPort());
        // Next Header is patched per packet (41 or 4); the rest of the SRH is fixed.
        return new TEncapsInstance(Srh.build(segs, 41), src, segs.get(0));
    }
}
