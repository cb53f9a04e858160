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
import org.srv6.appliance.api.behavior.Flavor;

/** The End.T behavior (RFC 8986 §4.3): End, then the lookup of the new destination in table T. */
@Component(service = Behavior.class)
@BehaviorType(behavior = "End.T", behavior_kind = BehaviorKind.ENDPOINT)
public final class EndTBehavior extends AbstractBehavior {
    static final int DEFAULT_LBLEN = 32;
    static final int DEFAULT_NFLEN = 16;

    public EndTBehavior() {
        super(d -> d.definition("Endpoint with specific IPv6 table lookup").reference("RFC 8986 §4.3, §4.16; RFC 9800")
                .required(Attribute.TABLE).optional(Attribute.FLAVORS, Attribute.LBLEN, Attribute.NFLEN)
                .flavors(Flavor.values()));
    }

    /** Checks the RFC 9800 locator-block and node-function lengths, as End does. */
    @Override
    protected void validate(Attributes a) throws BehaviorException {
        boolean csid = a.hasFlavor(Flavor.NEXT_CSID);
        if (!csid && (a.has(Attribute.LBLEN) || a.has(Attribute.NFLEN))) {
            throw new BehaviorException("lblen and nflen need flavors next-csid");
        }
        if (csid) {
            int lb = lblen(a);
            int nf = nflen(a);
            if (lb <= 0 || nf <= 0 || lb % 8 != 0 || nf % 8 != 0 || lb + nf > 128) {
                throw new BehaviorException("next-csid needs lblen and nflen multiples of 8, above 0, "
                        + "lblen + nflen <= 128; got lblen " + lb + " nflen " + nf);
            }
        }
    }

    static int lblen(Attributes a) {
        return a.has(Attribute.LBLEN) ? a.lblen() : DEFAULT_LBLEN;
    }

    static int nflen(Attributes a) {
        return a.has(Attribute.NFLEN) ? a.nflen() : DEFAULT_NFLEN;
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
        boolean csid = a.hasFlavor(Flavor.NEXT_CSID);
        return new EndTInstance(a.table(), a.flavors(), csid ? lblen(a) : 0, csid ? nflen(a) : 0);
    }
}
