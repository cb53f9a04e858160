package org.srv6.appliance.api.behavior;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.Test;

public class AttributeParserTest {
    private static final BehaviorDescriptor END_X = new BehaviorDescriptor("End.X", BehaviorKind.ENDPOINT,
            "Endpoint with L3 cross-connect", "RFC 8986 §4.2", EnumSet.of(Attribute.NH6),
            EnumSet.of(Attribute.OIF, Attribute.FLAVORS, Attribute.LBLEN, Attribute.NFLEN),
            EnumSet.of(Flavor.PSP, Flavor.USP, Flavor.USD, Flavor.NEXT_CSID));
    private static final BehaviorDescriptor END_DX = new BehaviorDescriptor("End.BM", BehaviorKind.ENDPOINT,
            "x", "y", EnumSet.of(Attribute.MPLS), EnumSet.of(Attribute.OIF), EnumSet.noneOf(Flavor.class),
            Set.of(EnumSet.of(Attribute.NH6, Attribute.NH4)));

    private static String error(BehaviorDescriptor d, String line) {
        try {
            AttributeParser.parse(d, List.of(line.split(" ")));
        } catch (BehaviorException e) {
            assertTrue("one line: " + e.getMessage(), e.getMessage().indexOf('\n') < 0);
            return e.getMessage();
        }
        fail("accepted: " + line);
        return null;
    }

    @Test
    public void canonicalTextRoundTrips() throws BehaviorException {
        Attributes a = AttributeParser.parse(END_X, List.of("flavors", "psp,usd", "oif", "r1", "nh6", "FC00:0::2"));
        assertEquals("nh6 fc00::2 oif r1 flavors psp,usd", a.format());
        assertEquals(a, AttributeParser.parse(END_X, List.of(a.format().split(" "))));
    }

    @Test
    public void missingRequiredAttributeNamesIt() {
        assertEquals("End.X needs nh6 ADDRESS", error(END_X, "oif r1"));
    }

    @Test
    public void unknownFlavorListsSupportedOnes() {
        assertEquals("End.X: flavor 'xyz' not supported; supported: psp,usp,usd,next-csid", error(END_X, "nh6 fc00::1 flavors xyz"));
    }

    @Test
    public void attributeTheBehaviorDoesNotTakeIsRejected() {
        assertTrue(error(END_X, "nh6 fc00::1 table 10").startsWith("End.X does not take table; expected nh6 ADDRESS"));
    }

    @Test
    public void badAddressIsNamed() {
        assertEquals("End.X: nh6 needs an IPv6 address, got '10.0.0.1'", error(END_X, "nh6 10.0.0.1"));
    }

    @Test
    public void lblenWithoutNextCsidIsRejected() {
        assertEquals("End.X: lblen and nflen need flavors next-csid", error(END_X, "nh6 fc00::1 lblen 32"));
    }

    @Test
    public void alternativesNeedExactlyOne() throws BehaviorException {
        assertEquals("End.BM needs exactly one of nh6 ADDRESS or nh4 ADDRESS", error(END_DX, "mpls 100"));
        assertEquals("End.BM needs exactly one of nh6 ADDRESS or nh4 ADDRESS", error(END_DX, "mpls 100 nh6 fc00::1 nh4 10.0.0.1"));
        Attributes a = AttributeParser.parse(END_DX, List.of("mpls", "100/200", "nh4", "10.0.0.1"));
        assertEquals("mpls 100/200 nh4 10.0.0.1", a.format());
    }

    @Test
    public void syntaxShowsRequiredOptionalAndAlternatives() {
        assertEquals("nh6 ADDRESS [oif PORT] [flavors psp,usp,usd,next-csid] [lblen BITS] [nflen BITS] [count]", END_X.syntax());
        assertEquals("mpls L1/L2/... nh6 ADDRESS | nh4 ADDRESS [oif PORT] [count]", END_DX.syntax());
    }

    @Test
    public void segmentListKeepsTypedOrder() throws BehaviorException {
        BehaviorDescriptor b6 = new BehaviorDescriptor("End.B6.Encaps", BehaviorKind.ENDPOINT, "x", "y",
                EnumSet.of(Attribute.SRH_SEGS), EnumSet.noneOf(Attribute.class), EnumSet.noneOf(Flavor.class));
        Attributes a = AttributeParser.parse(b6, List.of("srh", "segs", "fc00::1,fc00::2"));
        assertEquals("srh segs fc00::1,fc00::2", a.format());
        assertEquals(2, a.segs().size());
        assertEquals(1, a.segs().get(0)[15]);
    }
}
