package org.srv6.appliance.behavior.tinsert.internal;

import java.util.ArrayList;
import java.util.List;

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
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/** T.Insert / H.Insert (draft-filsfils-spring-srv6-net-pgm-insertion), the kernel's seg6 {@code mode inline}. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "inline", behavior_kind = BehaviorKind.TRANSIT)
public final class TInsertBehavior extends AbstractBehavior {

    public TInsertBehavior() {
        super(d -> d.definition("Transit with insertion of an SRv6 policy")
                .reference("draft-filsfils-spring-srv6-net-pgm-insertion §3 (T.Insert)")
                .required(Attribute.SEGS).optional(Attribute.HMAC, Attribute.MODE));
    }

    /**
     * The slot of the original destination counts: the kernel accepts more segments but cannot
     * sign them and drops every packet (seg6_hmac_compute).
     */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        if (a.has(Attribute.HMAC) && a.segs().size() + 1 > SrhHmac.MAX_SEGMENTS) {
            throw new BehaviorException("inline with hmac signs at most " + (SrhHmac.MAX_SEGMENTS - 1)
                    + " segments (and the original destination), not " + a.segs().size()
                    + "; expected fewer segs or no hmac");
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        List<byte[]> segs = a.segs();
        SrhHmac signer = hmac(context, a);
        // iproute2 adds a last slot, Segment List[0], that carries the original destination.
        List<byte[]> withDa = new ArrayList<>(segs);
        withDa.add(new byte[16]);
        return new TInsertInstance(Srh.build(withDa, 0, signer == null ? -1 : signer.keyId()), segs.get(0), signer);
    }
}
