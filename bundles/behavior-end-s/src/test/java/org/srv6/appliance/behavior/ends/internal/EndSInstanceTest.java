package org.srv6.appliance.behavior.ends.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.srv6.appliance.testkit.Packets.unhex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.RouteLookup;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/** draft-filsfils-spring-srv6-network-programming-06 §4.18 End.S, line by line. */
public class EndSInstanceTest {
    static final byte[] PAYLOAD = unhex("0001000200080000");
    /** The targeted object, Segment List[0]. */
    static final String TARGET = "2001:db8:c::42";

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;
    /** The lookups the instance asked for: table, hi, lo. */
    private final List<long[]> asked = new ArrayList<>();

    /** IPv6 (fc00::1 -> dst) + SRH (SL sl, path fc00::5, fc00::2, TARGET) + UDP-ish payload. */
    static Ipv6Builder packet(int sl, String dst) {
        return Packets.ipv6("fc00::1", dst).srh(sl, "fc00::5", "fc00::2", TARGET).payload(Packets.PROTO_UDP, PAYLOAD);
    }

    static Ipv6Builder packet(int sl) {
        return packet(sl, sl == 2 ? "fc00::5" : sl == 1 ? "fc00::2" : TARGET);
    }

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance endS(String... tokens) throws BehaviorException {
        EndSBehavior b = new EndSBehavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    /** A table that routes exactly {@code address} in table {@code table}. */
    private RouteLookup routes(int table, String address) {
        byte[] a = InetAddrs.parse6(address);
        return (t, hi, lo) -> {
            asked.add(new long[] {t, hi, lo});
            return t == table && hi == Ipv6.hi(a) && lo == Ipv6.lo(a);
        };
    }

    @Test
    public void line3MatchOfTheLastSidForwardsThereWithDaAndSlUntouched() throws Exception {
        harness.load(packet(2));
        ctx.routes = routes(100, TARGET);
        String before = harness.l3Hex();
        assertEquals(Verdict.FORWARD_NH6, endS("table", "100").process(ctx));
        assertEquals(before, harness.l3Hex()); // DA, SL and hop limit as received: the core decrements
        assertEquals(100, ctx.table);
        assertEquals(-1, ctx.outPort);
        assertArrayEquals(InetAddrs.parse6(TARGET), ctx.nextHop6);
        assertEquals(1, asked.size());
        assertEquals(100, asked.get(0)[0]);
    }

    @Test
    public void line5NoMatchAppliesEnd() throws Exception {
        harness.load(packet(2));
        ctx.inTable = 7;
        ctx.routes = routes(100, "2001:db8:c::43");
        assertEquals(Verdict.FORWARD, endS("table", "100").process(ctx));
        assertEquals(7, ctx.table); // End: the new DA looked up where the packet came in
        assertEquals(packet(1, "fc00::2").hex(), harness.l3Hex());
        assertEquals(1, asked.size());
    }

    @Test
    public void matchInAnotherTableIsNoMatch() throws Exception {
        harness.load(packet(1));
        ctx.routes = routes(200, TARGET);
        assertEquals(Verdict.FORWARD, endS("table", "100").process(ctx));
        assertEquals(packet(0, TARGET).hex(), harness.l3Hex());
    }

    @Test
    public void line1SegmentsLeftZeroIsDroppedAndCounted() throws Exception {
        harness.load(packet(0));
        ctx.routes = routes(100, TARGET);
        assertEquals(Verdict.DROP, endS("table", "100").process(ctx));
        assertEquals(DropReason.SL_ZERO, ctx.dropReason);
        assertTrue(asked.isEmpty());
    }

    @Test
    public void line6EndAtHopLimitOneGetsTimeExceededBeforeRewrite() throws Exception {
        harness.load(packet(2).hopLimit(1));
        String before = harness.l3Hex();
        assertEquals(Verdict.ICMP_ERROR, endS("table", "100").process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(before, harness.l3Hex());
    }

    @Test
    public void malformedSrhGetsParameterProblemWithoutLookup() throws Exception {
        harness.load(packet(4, "fc00::5"));
        ctx.routes = routes(100, TARGET);
        assertEquals(Verdict.ICMP_ERROR, endS("table", "100").process(ctx));
        assertEquals(4, ctx.icmpType);
        assertEquals(43, ctx.icmpParam);
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
        assertTrue(asked.isEmpty());
    }

    @Test
    public void noSrhIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::5").payload(Packets.PROTO_UDP, PAYLOAD));
        assertEquals(Verdict.DROP, endS("table", "100").process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void tableIsRequired() {
        for (List<String> bad : List.of(List.<String>of(), List.of("table", "x"), List.of("table", "100", "nh6", "fc00::1"))) {
            try {
                new EndSBehavior().parse(bad);
                fail("accepted " + bad);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("End.S"));
            }
        }
    }

    @Test
    public void canonicalTextAndSyntax() throws Exception {
        EndSBehavior b = new EndSBehavior();
        assertEquals("table 100", b.parse(List.of("table", "100")).text());
        assertEquals("table TABLE [count]", b.descriptor().syntax());
    }

    @Test
    public void randomMutationsNeverThrow() throws Exception {
        byte[] good = packet(2).bytes();
        BehaviorInstance s = endS("table", "100");
        Random r = new Random(8986);
        for (int i = 0; i < 5000; i++) {
            byte[] m = Arrays.copyOf(good, r.nextInt(good.length + 1));
            for (int k = r.nextInt(6); k >= 0 && m.length > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            harness.load(m);
            ctx.routes = (i & 1) == 0 ? RouteLookup.NONE : (t, hi, lo) -> true;
            assertNotNull(s.process(ctx));
        }
    }
}
