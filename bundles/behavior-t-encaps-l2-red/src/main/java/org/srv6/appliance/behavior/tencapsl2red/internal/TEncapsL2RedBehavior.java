package org.srv6.appliance.behavior.tencapsl2red.internal;

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
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;

/**
 * H.Encaps.L2.Red (RFC 8986 §5.4), the kernel's seg6 {@code mode l2encap.red}: the received
 * Ethernet frame, whole, becomes the payload of an outer IPv6 header with the reduced SRH (S1 only
 * in the destination address; one segment and no HMAC: no SRH at all). Bound to a route ({@code ip route add PREFIX encap seg6 mode l2encap.red ...}) or to a port
 * ({@code ip sr steer add iif PORT mode l2encap.red ...}).
 */
@Component(service = Behavior.class)
@BehaviorType(behavior = "l2encap.red", behavior_kind = BehaviorKind.TRANSIT)
public final class TEncapsL2RedBehavior extends AbstractBehavior {

    public TEncapsL2RedBehavior() {
        super(d -> d.definition("Transit with reduced encapsulation of the received Ethernet frame in an SRv6 policy")
                .reference("RFC 8986 §5.4").required(Attribute.SEGS)
                .optional(Attribute.TUNSRC, Attribute.MODE, Attribute.HMAC));
    }

    @Override
    protected void validate(Attributes a) throws BehaviorException {
        if (a.has(Attribute.HMAC) && a.segs().size() > SrhHmac.MAX_SEGMENTS) {
            throw new BehaviorException("l2encap.red: hmac signs at most " + SrhHmac.MAX_SEGMENTS + " segments, not "
                    + a.segs().size());
        }
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
        List<byte[]> segs = a.segs();
        SrhHmac hmac = hmac(context, a);
        byte[] src = a.has(Attribute.TUNSRC) ? a.tunsrc() : context.tunnelSource(context.devPort());
        byte[] srh = Srh.buildReduced(segs, Ipv6.PROTO_ETHERNET, hmac == null ? -1 : hmac.keyId());
        return new TEncapsL2RedInstance(srh, src, segs.get(0), hmac);
    }
}
