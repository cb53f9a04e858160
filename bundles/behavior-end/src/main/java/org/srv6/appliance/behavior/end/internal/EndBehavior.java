package org.srv6.appliance.behavior.end.internal;

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
import org.srv6.appliance.api.behavior.Flavor;
import org.srv6.appliance.api.behavior.SimpleConfig;

/** The End behavior (RFC 8986 §4.1) with the psp, usp, usd and next-csid flavors. */
@Component(service = Behavior.class, property = {Behavior.KEYWORD_PROPERTY + "=End",
        Behavior.KIND_PROPERTY + "=ENDPOINT"})
public final class EndBehavior implements Behavior {
    static final int DEFAULT_LBLEN = 32;
    static final int DEFAULT_NFLEN = 16;

    private static final BehaviorDescriptor DESCRIPTOR = new BehaviorDescriptor("End", BehaviorKind.ENDPOINT,
            "Endpoint", "RFC 8986 §4.1, §4.16; RFC 9800",
            Set.of(), Set.of(Attribute.FLAVORS, Attribute.LBLEN, Attribute.NFLEN),
            EnumSet.allOf(Flavor.class));

    @Override
    public BehaviorDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public BehaviorConfig parse(List<String> tokens) throws BehaviorException {
        Attributes a = AttributeParser.parse(DESCRIPTOR, tokens);
        checkCsid(a);
        return new SimpleConfig("End", a);
    }

    /** Checks the RFC 9800 locator-block and node-function lengths. */
    static void checkCsid(Attributes a) throws BehaviorException {
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
    public BehaviorInstance create(BehaviorConfig config, BehaviorContext context) throws BehaviorException {
        Attributes a = config.attributes();
        checkCsid(a);
        boolean csid = a.hasFlavor(Flavor.NEXT_CSID);
        return new EndInstance(a.flavors(), csid ? lblen(a) : 0, csid ? nflen(a) : 0);
    }
}
