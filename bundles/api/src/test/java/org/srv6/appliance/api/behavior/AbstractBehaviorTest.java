package org.srv6.appliance.api.behavior;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.Test;

public class AbstractBehaviorTest {
    @BehaviorType(behavior = "End.Q", behavior_kind = BehaviorKind.ENDPOINT)
    static final class EndQ extends AbstractBehavior {
        EndQ() {
            super(d -> d.definition("Endpoint for tests").reference("none").required(Attribute.NH6)
                    .optional(Attribute.OIF, Attribute.FLAVORS).flavors(Flavor.PSP));
        }

        @Override
        protected void validate(Attributes a) throws BehaviorException {
            if (a.hasFlavor(Flavor.PSP) && !a.has(Attribute.OIF)) {
                throw new BehaviorException("End.Q: psp needs oif PORT");
            }
        }

        @Override
        protected BehaviorInstance instance(Attributes a, BehaviorContext context) throws BehaviorException {
            int out = port(context, Attribute.OIF, a.oif());
            return ctx -> out < 0 ? Verdict.FORWARD : Verdict.LOCAL;
        }
    }

    static final class Unnamed extends AbstractBehavior {
        Unnamed() {
            super(d -> d);
        }

        @Override
        protected BehaviorInstance instance(Attributes a, BehaviorContext context) {
            return ctx -> Verdict.DROP;
        }
    }

    /** A context without ports (the other answers are never asked for here). */
    private static final BehaviorContext NO_PORTS = (BehaviorContext) Proxy.newProxyInstance(
            BehaviorContext.class.getClassLoader(), new Class<?>[] {BehaviorContext.class},
            (proxy, method, args) -> method.getName().equals("portIndex") ? -1 : null);

    @Test
    public void descriptorTakesKeywordAndKindFromTheAnnotation() {
        BehaviorDescriptor d = new EndQ().descriptor();
        BehaviorDescriptor same = new BehaviorDescriptor("End.Q", BehaviorKind.ENDPOINT, "Endpoint for tests", "none",
                Set.of(Attribute.NH6), Set.of(Attribute.OIF, Attribute.FLAVORS), EnumSet.of(Flavor.PSP));
        assertEquals(same, d);
        assertEquals("End.Q", new EndQ().keyword());
    }

    @Test
    public void parseUsesTheAttributeParserThenValidate() throws Exception {
        BehaviorConfig c = new EndQ().parse(List.of("oif", "r1", "nh6", "fc00::1"));
        assertEquals("End.Q", c.keyword());
        assertEquals("nh6 fc00::1 oif r1", c.text());
        expect("End.Q needs nh6 ADDRESS", () -> new EndQ().parse(List.of()));
        expect("End.Q: psp needs oif PORT", () -> new EndQ().parse(List.of("nh6", "fc00::1", "flavors", "psp")));
    }

    @Test
    public void createChecksAgainThenMakesTheInstance() throws Exception {
        EndQ b = new EndQ();
        assertSame(Verdict.FORWARD, b.create(b.parse(List.of("nh6", "fc00::1")), NO_PORTS).process(null));
        expect("End.Q needs nh6 ADDRESS", () -> b.create(new SimpleConfig("End.Q", Attributes.builder().build()), NO_PORTS));
        expect("unknown port r1 for oif; expected an existing port name",
                () -> b.create(b.parse(List.of("nh6", "fc00::1", "oif", "r1")), NO_PORTS));
    }

    @Test
    public void aBehaviorWithoutBehaviorTypeIsAProgrammingError() {
        try {
            new Unnamed();
            fail("no @BehaviorType accepted");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("@BehaviorType"));
        }
    }

    @Test
    public void builderGroupsAlternatives() {
        BehaviorDescriptor d = BehaviorDescriptor.builder("End.Z", BehaviorKind.ENDPOINT).oneOf(Attribute.NH6, Attribute.NH4)
                .build();
        assertEquals(Set.of(Set.of(Attribute.NH6, Attribute.NH4)), d.alternatives());
        assertEquals("nh6 ADDRESS | nh4 ADDRESS [count]", d.syntax());
    }

    private interface Call {
        Object run() throws BehaviorException;
    }

    private static void expect(String message, Call call) {
        try {
            call.run();
            fail("accepted; expected " + message);
        } catch (BehaviorException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
