package org.srv6.appliance.behavior.endas.internal;

import java.util.Arrays;
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

/**
 * End.AS, the static SR proxy of draft-ietf-spring-sr-service-programming §6.2:
 * {@code nh6 A | nh4 A oif PORT iif PORT src A segs S1,...,Sn}. The draft's parameters: S-ADDR is
 * nh6/nh4, IFACE-OUT oif, IFACE-IN iif, CACHE.SA src and CACHE.LIST segs.
 *
 * <p>The draft defines CACHE as "a source address, an active segment and an optional SRH (tag,
 * segments left, segment list and metadata)" and, for the Ethernet variant, DA = CACHE.LIST[0]
 * with Segments Left = Last Entry = n − 1 (its Ref2, Ref3). Here {@code segs} is read both ways:
 * when the list holds the proxy SID itself (the whole policy, as the ingress node's segment list
 * reads), the active segment is the one that follows the SID and Segments Left points at it;
 * otherwise the list holds the segments after the proxy, the active segment is S1 and Segments
 * Left = n − 1. Either way the packet coming back from the service continues with the segment
 * that follows the proxy SID; a list that ends with the SID itself leaves nothing to continue
 * with and is refused.
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.AS", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndAsBehavior extends AbstractBehavior {

    public EndAsBehavior() {
        super(d -> d.definition("Endpoint to SR-unaware service via static proxy")
                .reference("draft-ietf-spring-sr-service-programming §6.2")
                .oneOf(Attribute.NH6, Attribute.NH4).required(Attribute.OIF, Attribute.IIF, Attribute.SRC, Attribute.SEGS));
    }

    @Override
    protected void validate(Attributes a) throws BehaviorException {
        int n = a.segs().size();
        if (n > Srh.MAX_SEGMENTS) {
            throw new BehaviorException(keyword() + ": segs takes at most " + Srh.MAX_SEGMENTS + " segments, got " + n);
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        int oif = port(context, Attribute.OIF, a.oif());
        int iif = port(context, Attribute.IIF, a.iif());
        List<byte[]> segs = a.segs();
        int n = segs.size();
        int active = 0;
        byte[] sid = context.prefix();
        for (int i = 0; i < n; i++) {
            if (Arrays.equals(segs.get(i), sid)) {
                if (i == n - 1) {
                    throw new BehaviorException(keyword() + ": segs ends with the proxy SID itself; expected the "
                            + "segments the traffic from the service goes on to");
                }
                active = i + 1;
            }
        }
        return new EndAsInstance(a.has(Attribute.NH6) ? a.nh6() : null, a.nh4(), oif, iif, a.src(), segs, active);
    }
}
