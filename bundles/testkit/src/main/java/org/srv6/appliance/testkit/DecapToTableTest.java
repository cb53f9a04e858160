package org.srv6.appliance.testkit;

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
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/**
 * The tests every table-lookup decapsulation behavior (End.DT6, End.DT4, End.DT46: RFC 8986
 * §4.6-4.8) runs: a bundle's test extends this with its behavior and the inner families it takes.
 */
public abstract class DecapToTableTest {
    static final byte[] DATA = unhex("0001000200030004");

    private final Behavior behavior;
    private final String keyword;
    private final boolean takes6;
    private final boolean takes4;

    /**
     * @param behavior the behavior under test
     * @param keyword  its keyword (error messages start with it)
     * @param v6       whether it takes an inner IPv6 packet
     * @param v4       whether it takes an inner IPv4 packet
     */
    protected DecapToTableTest(Behavior behavior, String keyword, boolean v6, boolean v4) {
        this.behavior = behavior;
        this.keyword = keyword;
        this.takes6 = v6;
        this.takes4 = v4;
    }

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** An inner IPv6 UDP packet. */
    public static Ipv6Builder inner6() {
        return Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").hopLimit(64).udp(1000, 2000, DATA);
    }

    /** An inner IPv4 UDP packet. */
    public static Ipv4Builder inner4() {
        return Packets.ipv4("10.0.1.1", "10.0.2.2").ttl(64).udp(1000, 2000, DATA);
    }

    /** The inner packet of the family the behavior takes (IPv6 first). */
    L3Builder<?> inner() {
        return takes6 ? inner6() : inner4();
    }

    /** fc00::1 -> fc00::d (the SID) + SRH (SL {@code sl}, path fc00::a, fc00::d) + {@code inner}. */
    public static Ipv6Builder outer(int sl, L3Builder<?> inner) {
        Ipv6Builder o = Packets.ipv6("fc00::1", "fc00::d").srh(sl, "fc00::a", "fc00::d");
        return inner instanceof Ipv6Builder i6 ? o.ipv6(i6) : o.ipv4((Ipv4Builder) inner);
    }

    Ipv6Builder outer(int sl) {
        return outer(sl, inner());
    }

    @After
    public void release() {
        harness.close();
    }

    private BehaviorInstance dt(String... tokens) throws BehaviorException {
        return behavior.create(behavior.parse(List.of(tokens)), new TestBehaviorContext());
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
        assertEquals(takes6 ? Verdict.FORWARD : Verdict.DROP, dt("table", "100").process(ctx));
        if (!takes6) {
            assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
        }
        harness.load(outer(0, inner4()));
        assertEquals(takes4 ? Verdict.FORWARD : Verdict.DROP, dt("table", "100").process(ctx));
        if (takes4) {
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
        p[40 + 40] = (byte) (takes6 ? 0x40 : 0x60);
        harness.load(p);
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(DropReason.BAD_IP_VERSION, ctx.dropReason);
    }

    @Test
    public void tableOrVrftableExactlyOnce() {
        for (List<String> bad : List.of(List.<String>of(), List.of("table", "100", "vrftable", "100"), List.of("table", "x"),
                List.of("table", "100", "flavors", "psp"))) {
            try {
                behavior.parse(bad);
                fail("accepted " + bad);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith(keyword));
            }
        }
    }

    @Test
    public void canonicalText() throws Exception {
        assertEquals("vrftable 100", behavior.parse(List.of("vrftable", "100")).text());
        assertEquals("table 100", behavior.parse(List.of("table", "100")).text());
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

    @Test
    public void innerIpv4WithAnImpossibleHeaderLengthIsDropped() throws Exception {
        byte[] p = outer(0, inner4()).bytes();
        p[40 + 40] = 0x44;
        harness.load(p);
        assertEquals(Verdict.DROP, dt("table", "100").process(ctx));
        assertEquals(takes4 ? DropReason.BAD_IP_HEADER : DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
    }

    @Test
    public void innerIpv4WithOptionsIsForwardedWhole() throws Exception {
        // IHL 6: one 4-byte option (NOP x4), total length grown by 4, checksum left to the forwarder's check.
        byte[] in = inner4().bytes();
        byte[] opt = Packets.cat(Packets.slice(in, 0, 20), Packets.bytes(1, 1, 1, 1), Packets.slice(in, 20, in.length - 20));
        opt[0] = 0x46;
        opt[3] = (byte) (opt.length & 0xff);
        byte[] p = Packets.cat(Packets.ipv6("fc00::1", "fc00::d").srh(0, "fc00::d").payload(Packets.PROTO_IPV4, opt).bytes());
        harness.load(p);
        if (!takes4) {
            assertEquals(Verdict.DROP, dt("vrftable", "10").process(ctx));
            assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
            return;
        }
        assertEquals(Verdict.FORWARD, dt("vrftable", "10").process(ctx));
        assertEquals(10, ctx.table);
        assertEquals(Packets.hex(opt), harness.l3Hex());
    }
}
