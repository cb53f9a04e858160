package org.srv6.appliance.testkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.After;
import org.junit.Assume;
import org.junit.Test;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorDescriptor;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.Verdict;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The rules every behavior keeps, run by each behavior bundle through a subclass whose constructor
 * names the behavior, configurations it accepts and packets it processes:
 * <ul>
 * <li>the service properties the core selects by are the descriptor's keyword and kind;</li>
 * <li>parse, then {@code text()}, then parse again gives the same text (what {@code ip route show}
 * prints can be pasted back);</li>
 * <li>unknown, unaccepted, repeated, argument-less, malformed and missing attributes are rejected
 * with one line that starts with the keyword;</li>
 * <li>{@code process} (and {@code processReturn}) on the packets cut at every length, in a buffer
 * that ends where the packet ends, never throws (so never reads past the frame) and neither keeps
 * nor frees the buffer (the surefire configuration runs Netty's PARANOID leak
 * detection as well).</li>
 * </ul>
 */
public abstract class BehaviorContractTest {
    /** A value no attribute but {@code mode} accepts. */
    private static final String MALFORMED = "not/valid";

    private final PacketHarness harness = new PacketHarness();
    private final Supplier<? extends Behavior> behavior;
    private final List<String> validConfigurations;
    private final List<byte[]> packets;

    /**
     * @param behavior            makes the behavior (its factory class, as DS would)
     * @param validConfigurations parameter lines it accepts, e.g. {@code "nh6 fc00::2 oif p1"}; the
     *                            first is the plainest
     * @param packets             L3 packets (from the IPv6/IPv4 header on) it processes, cut at every
     *                            length by the contract
     */
    protected BehaviorContractTest(Supplier<? extends Behavior> behavior, List<String> validConfigurations,
            List<byte[]> packets) {
        this.behavior = behavior;
        this.validConfigurations = List.copyOf(validConfigurations);
        this.packets = List.copyOf(packets);
    }

    /** @return a new behavior, as DS makes one per component */
    private Behavior behavior() {
        return behavior.get();
    }

    /** @return the context instances are created in (override for ports, tunnel source, keys) */
    protected BehaviorContext context() {
        return new TestBehaviorContext();
    }

    @After
    public void releasePacket() {
        harness.close();
    }

    private static List<String> tokens(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.trim().split("\\s+"));
    }

    private BehaviorConfig parse(String line) throws BehaviorException {
        return behavior().parse(new ArrayList<>(tokens(line)));
    }

    private void assertRejected(List<String> tokens, String why) {
        Behavior b = behavior();
        String keyword = b.descriptor().keyword();
        try {
            BehaviorConfig c = b.parse(new ArrayList<>(tokens));
            fail(keyword + " accepted " + tokens + " (" + why + "): " + c.text());
        } catch (BehaviorException e) {
            String m = e.getMessage();
            assertNotNull(why, m);
            assertFalse(why + ": message is not one line: " + m, m.contains("\n") || m.contains("\r"));
            assertTrue(why + ": message does not start with " + keyword + ": " + m, m.startsWith(keyword));
        }
    }

    @Test
    public void servicePropertiesAreTheDescriptorsKeywordAndKind() throws Exception {
        Behavior b = behavior();
        BehaviorDescriptor d = b.descriptor();
        String xml = "OSGI-INF/" + b.getClass().getName() + ".xml";
        try (InputStream in = b.getClass().getClassLoader().getResourceAsStream(xml)) {
            Assume.assumeTrue("no " + xml + " on the class path (bnd has not run)", in != null);
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            NodeList props = doc.getElementsByTagName("property");
            String keyword = null;
            String kind = null;
            for (int i = 0; i < props.getLength(); i++) {
                Element p = (Element) props.item(i);
                if (p.getAttribute("name").equals(Behavior.KEYWORD_PROPERTY)) {
                    keyword = p.getAttribute("value");
                } else if (p.getAttribute("name").equals(Behavior.KIND_PROPERTY)) {
                    kind = p.getAttribute("value");
                }
            }
            assertEquals(Behavior.KEYWORD_PROPERTY, d.keyword(), keyword);
            assertEquals(Behavior.KIND_PROPERTY, d.kind().name(), kind);
            assertTrue("the component must provide " + Behavior.class.getName(),
                    doc.getElementsByTagName("provide").getLength() > 0 && ((Element) doc.getElementsByTagName("provide")
                            .item(0)).getAttribute("interface").equals(Behavior.class.getName()));
        }
    }

    @Test
    public void parseTextParseGivesTheSameText() throws Exception {
        String keyword = behavior().descriptor().keyword();
        for (String line : validConfigurations) {
            BehaviorConfig first = parse(line);
            assertEquals(line, keyword, first.keyword());
            BehaviorConfig again = parse(first.text());
            assertEquals(line, first.text(), again.text());
            assertEquals(line, first.attributes(), again.attributes());
        }
    }

    @Test
    public void unknownAttributeIsRejected() {
        assertRejected(List.of("bogus"), "unknown attribute");
        assertRejected(List.of("srh"), "srh without segs");
    }

    @Test
    public void attributesNotInTheDescriptorAreRejected() {
        BehaviorDescriptor d = behavior().descriptor();
        for (Attribute a : Attribute.values()) {
            if (!d.accepts(a)) {
                List<String> t = new ArrayList<>(tokens(a.keyword()));
                t.add("fc00::1");
                assertRejected(t, a.keyword() + " is not accepted");
            }
        }
    }

    @Test
    public void attributeWithoutItsArgumentIsRejected() {
        BehaviorDescriptor d = behavior().descriptor();
        for (Attribute a : Attribute.values()) {
            if (d.accepts(a) && a.argument() != null) {
                assertRejected(tokens(a.keyword()), a.keyword() + " without " + a.argument());
            }
        }
    }

    @Test
    public void malformedArgumentIsRejected() {
        BehaviorDescriptor d = behavior().descriptor();
        for (Attribute a : Attribute.values()) {
            if (d.accepts(a) && a.argument() != null && a != Attribute.MODE) {
                List<String> t = new ArrayList<>(tokens(a.keyword()));
                t.add(MALFORMED);
                assertRejected(t, a.keyword() + " " + MALFORMED);
            }
        }
    }

    @Test
    public void attributeGivenTwiceIsRejected() throws Exception {
        assertRejected(List.of("count", "count"), "count given twice");
        List<String> plain = tokens(parse(validConfigurations.get(0)).text());
        if (!plain.isEmpty()) {
            List<String> twice = new ArrayList<>(plain);
            twice.addAll(plain);
            assertRejected(twice, "every attribute given twice");
        }
    }

    @Test
    public void missingRequiredAttributeIsRejected() {
        BehaviorDescriptor d = behavior().descriptor();
        if (!d.required().isEmpty() || !d.alternatives().isEmpty()) {
            assertRejected(List.of(), "nothing given");
        }
    }

    @Test
    public void syntaxIsOneLine() {
        String s = behavior().descriptor().syntax();
        assertFalse(s, s.contains("\n"));
        assertFalse("definition is empty", behavior().descriptor().definition().isBlank());
    }

    @Test
    public void processOnEveryTruncationNeverThrowsNorKeepsTheBuffer() throws Exception {
        for (String line : validConfigurations) {
            Behavior b = behavior();
            try (BehaviorInstance in = b.create(b.parse(new ArrayList<>(tokens(line))), context())) {
                for (byte[] packet : packets) {
                    for (int len = 0; len <= packet.length; len++) {
                        byte[] cut = Arrays.copyOf(packet, len);
                        runOn(in, cut, line, false);
                        if (in.returnPort() >= 0) {
                            runOn(in, cut, line, true);
                        }
                    }
                }
            }
        }
    }

    private void runOn(BehaviorInstance in, byte[] l3, String line, boolean returning) {
        harness.load(l3, 0);
        String what = (returning ? "processReturn" : "process") + " [" + line + "] on " + l3.length + " bytes "
                + Packets.hex(l3);
        Verdict v;
        try {
            v = returning ? in.processReturn(harness.ctx) : in.process(harness.ctx);
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw " + e, e);
        }
        assertNotNull(what + " returned null", v);
        if (v != Verdict.CONSUMED) {
            assertEquals(what + " " + v + ": the buffer's reference count changed", 1, harness.buf().refCnt());
        }
        harness.release();
    }
}
