package org.srv6.appliance.behavior.enddt46.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.srv6.appliance.testkit.Packets.unhex;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.L3Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndDT46InstanceTest {
    static final boolean V6 = true;
    static final boolean V4 = true;
    static final byte[] DATA = unhex("0001000200030004");

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    static Ipv6Builder inner6() {
        return Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").hopLimit(64).udp(1000, 2000, DATA);
    }

    static Ipv4Builder inner4() {
        return Packets.ipv4("10.0.1.1", "10.0.2.2").ttl(64).udp(1000, 2000, DATA);
    }

    /** The inner packet of the family the behavior takes (IPv6 first). */
    static L3Builder<?> inner() {
        return V6 ? inner6() : inner4();
    }

    /** fc00::1 -> fc00::d (the SID) + SRH (SL {@code sl}, path fc00::a, fc00::d) + {@code inner}. */
    static Ipv6Builder outer(int sl, L3Builder<?> inner) {
        Ipv6Builder o = Packets.ipv6("fc00::1", "fc00::d").srh(sl, "fc00::a", "fc00::d");
        return inner instanceof Ipv6Builder i6 ? o.ipv6(i6) : o.ipv4((Ipv4Builder) inner);
    }

    static Ipv6Builder outer(int sl) {
        return outer(sl, inner());
    }

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance dt(String... tokens) throws BehaviorException {
        EndDT46Behavior b = new EndDT46Behavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    private void assertDecapsulatedInto(int table, L3Builder<?> inner) {
        assertEquals(table, ctx.table);
        assertEquals(inner.hex(), harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void s08SegmentsLeftZeroDecapsulatesAndLooksTheInnerUpInTableT() throws Exception {
        harness.load(outer(0));
        assertEquals(Verdict.FORWARD, dt("table", "100").process(ctx));
        assertDecapsulatedInto(100, inner());
    }

    @Test
    public void vrftableIsTheSameTable() throws Exception {
        harness.load(outer(0));
        assertEquals(Verdict.FORWARD, dt("vrftable", "100").process(ctx));
        assertDecapsulatedInto(100, inner());
    }

    @Test
    public void table255LooksUpTheLocalTable() throws Exception {
        harness.load(outer(0));
        assertEquals(Verdict.FORWARD, dt("table", "local").process(ctx));
        assertDecapsulatedInto(255, inner());
    }

    @Test
    public void noSrhDecapsulatesAsTheKernelDoes() throws Exception {
        L3Builder<?> in = inner();
        Ipv6Builder o = Packets.ipv6("fc00::1", "fc00::d");
        harness.load(in instanceof Ipv6Builder i6 ? o.ipv6(i6) : o.ipv4((Ipv4Builder) in));
        assertEquals(Verdict.FORWARD, dt("table", "100").process(ctx));
        assertDecapsulatedInto(100, in);
    }

    @Test
    public void extensionHeadersBeforeAndAfterTheSrhAreRemovedToo() throws Exception {
        L3Builder<?> in = inner();
        Ipv6Builder o = Packets.ipv6("fc00::1", "fc00::d").options(Packets.PROTO_HOPOPTS, new byte[0])
                .srh(0, "fc00::d").options(Packets.PROTO_DSTOPTS, new byte[0]);
        harness.load(in instanceof Ipv6Builder i6 ? o.ipv6(i6) : o.ipv4((Ipv4Builder) in));
        assertEquals(Verdict.FORWARD, dt("table", "100").process(ctx));
        assertDecapsulatedInto(100, in);
    }

    @Test
    public void s02SegmentsLeftNotZeroIsDropped() throws Exception {
        harness.load(outer(1));
        String before = harness.l3Hex();
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(DropReason.SL_NOT_ZERO, ctx.dropReason);
        assertEquals(before, harness.l3Hex());
    }

    @Test
    public void innerOfTheOtherFamilyIsDroppedUnlessTaken() throws Exception {
        harness.load(outer(0, inner6()));
        assertEquals(V6 ? Verdict.FORWARD : Verdict.DROP, dt("table", "100").process(ctx));
        if (!V6) {
            assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
        }
        harness.load(outer(0, inner4()));
        assertEquals(V4 ? Verdict.FORWARD : Verdict.DROP, dt("table", "100").process(ctx));
        if (V4) {
            assertDecapsulatedInto(100, inner4());
        } else {
            assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
        }
    }

    @Test
    public void upperLayerAfterTheSrhIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d").srh(0, "fc00::d").udp(1, 2, DATA));
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
    }

    @Test
    public void truncatedInnerIsDropped() throws Exception {
        byte[] whole = outer(0).bytes();
        harness.load(Arrays.copyOf(whole, whole.length - 3));
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
        byte[] headerOnly = outer(0).bytes();
        harness.load(Arrays.copyOf(headerOnly, 40 + 40 + 10));
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
    }

    @Test
    public void bytesAfterTheInnerPacketAreCut() throws Exception {
        byte[] whole = outer(0).bytes();
        byte[] longer = Arrays.copyOf(whole, whole.length + 6);
        harness.load(longer);
        assertEquals(Verdict.FORWARD, dt("table", "100").process(ctx));
        assertDecapsulatedInto(100, inner());
    }

    @Test
    public void innerWithAWrongVersionIsDropped() throws Exception {
        byte[] p = outer(0).bytes();
        p[40 + 40] = (byte) (V6 ? 0x40 : 0x60);
        harness.load(p);
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(DropReason.BAD_IP_VERSION, ctx.dropReason);
    }

    @Test
    public void tableOrVrftableExactlyOnce() {
        for (List<String> bad : List.of(List.<String>of(), List.of("table", "100", "vrftable", "100"), List.of("table", "x"),
                List.of("table", "100", "flavors", "psp"))) {
            try {
                new EndDT46Behavior().parse(bad);
                fail("accepted " + bad);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("End.DT46"));
            }
        }
    }

    @Test
    public void canonicalText() throws Exception {
        assertEquals("vrftable 100", new EndDT46Behavior().parse(List.of("vrftable", "100")).text());
        assertEquals("table 100", new EndDT46Behavior().parse(List.of("table", "100")).text());
    }

    @Test
    public void randomMutationsNeverThrow() throws Exception {
        byte[] good = outer(0).bytes();
        BehaviorInstance in = dt("table", "100");
        Random r = new Random(8986);
        for (int i = 0; i < 5000; i++) {
            byte[] m = Arrays.copyOf(good, r.nextInt(good.length + 1));
            for (int k = r.nextInt(6); k >= 0 && m.length > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            harness.load(m);
            assertNotNull(in.process(ctx));
        }
    }
}
