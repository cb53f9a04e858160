package org.srv6.appliance.behavior.endbm.internal;

import static org.junit.Assert.assertArrayEquals;
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
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/** RFC 8986 §4.15 End.BM, expected bytes built from the RFC and RFC 3032 §2.1 by hand. */
public class EndBmInstanceTest {
    static final byte[] PAYLOAD = unhex("0001000200080000");

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** IPv6 (fc00::1 -> dst, hop limit hl) + SRH (SL sl, path fc00::b, fc00::2, fc00::3: List[0] = fc00::3) + UDP-ish payload. */
    static Ipv6Builder packet(int sl, String dst, int hl) {
        return Packets.ipv6("fc00::1", dst).hopLimit(hl).srh(sl, "fc00::b", "fc00::2", "fc00::3")
                .payload(Packets.PROTO_UDP, PAYLOAD);
    }

    static Ipv6Builder packet(int sl) {
        return packet(sl, "fc00::b", 64);
    }

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance endBm(String... tokens) throws BehaviorException {
        EndBmBehavior b = new EndBmBehavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    @Test
    public void s15PushesTheStackTopFirstWithTtlFromTheHopLimitAndSOnTheBottom() throws Exception {
        harness.load(packet(2));
        assertEquals(Verdict.L2_NH6, endBm("mpls", "100/200/1048575", "nh6", "fc00:23::2").process(ctx));
        assertEquals(0x8847, ctx.etherType);
        assertArrayEquals(InetAddrs.parse6("fc00:23::2"), ctx.nextHop6);
        assertEquals(-1, ctx.outPort);
        // label 100, TC 0, S 0, TTL 63 | label 200, S 0, TTL 63 | label 1048575, S 1, TTL 63
        String stack = "0006403f" + "000c803f" + "fffff13f";
        // S12-S14: hop limit 64 -> 63, SL 2 -> 1, DA = Segment List[1]
        assertEquals(stack + packet(1, "fc00::2", 63).hex(), harness.l3Hex());
        // the frame starts 14 bytes before the stack: the core writes the Ethernet header there
        assertEquals(ctx.l3 - 14, ctx.buf.readerIndex());
    }

    @Test
    public void oneLabelIsBottomOfStack() throws Exception {
        harness.load(packet(1, "fc00::2", 10));
        assertEquals(Verdict.L2_NH6, endBm("mpls", "16", "nh6", "fc00:23::2", "oif", "p1").process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals("00010109" + packet(0, "fc00::3", 9).hex(), harness.l3Hex());
    }

    @Test
    public void nh4SendsToTheIpv4Neighbor() throws Exception {
        harness.load(packet(2, "fc00::b", 2));
        assertEquals(Verdict.L2_NH4, endBm("mpls", "0/3", "nh4", "10.0.2.2").process(ctx));
        assertEquals(0x8847, ctx.etherType);
        assertEquals(0x0a000202, ctx.nextHop4);
        // reserved labels 0 and 3 are taken as iproute2 takes them; TTL 1 after the End step
        assertEquals("00000001" + "00003101" + packet(1, "fc00::2", 1).hex(), harness.l3Hex());
    }

    @Test
    public void s05HopLimitOneGetsTimeExceededBeforeAnyRewrite() throws Exception {
        harness.load(packet(2, "fc00::b", 1));
        String before = harness.l3Hex();
        assertEquals(Verdict.ICMP_ERROR, endBm("mpls", "100", "nh6", "fc00:23::2").process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(DropReason.HOP_LIMIT, ctx.dropReason);
        assertEquals(before, harness.l3Hex());
    }

    @Test
    public void s02SegmentsLeftZeroIsUpperLayerProcessing() throws Exception {
        harness.load(packet(0));
        String before = harness.l3Hex();
        assertEquals(Verdict.LOCAL, endBm("mpls", "100", "nh6", "fc00:23::2").process(ctx));
        assertEquals(before, harness.l3Hex());
    }

    @Test
    public void s09MalformedSrhGetsParameterProblem() throws Exception {
        harness.load(packet(4));
        assertEquals(Verdict.ICMP_ERROR, endBm("mpls", "100", "nh6", "fc00:23::2").process(ctx));
        assertEquals(4, ctx.icmpType);
        assertEquals(43, ctx.icmpParam);
    }

    @Test
    public void noSrhIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::b").payload(Packets.PROTO_UDP, PAYLOAD));
        assertEquals(Verdict.DROP, endBm("mpls", "100", "nh6", "fc00:23::2").process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void sixteenLabelsFitAndSeventeenAreRefusedInOneLine() throws Exception {
        StringBuilder s = new StringBuilder("16");
        for (int i = 17; i < 32; i++) {
            s.append('/').append(i);
        }
        harness.load(packet(2));
        assertEquals(Verdict.L2_NH6, endBm("mpls", s.toString(), "nh6", "fc00:23::2").process(ctx));
        assertEquals(packet(1, "fc00::2", 63).hex(), harness.hexAt(16 * 4, harness.l3().length - 64));
        assertEquals("0001f13f", harness.hexAt(15 * 4, 4));
        try {
            endBm("mpls", s + "/32", "nh6", "fc00:23::2");
            fail("17 labels accepted");
        } catch (BehaviorException e) {
            assertEquals("End.BM: mpls takes at most 16 labels, got 17", e.getMessage());
        }
    }

    @Test
    public void labelsOutOfRangeOrMalformedAreRefusedInOneLine() {
        for (String bad : List.of("1048576", "-1", "1//2", "1/", "x", "")) {
            try {
                endBm("mpls", bad, "nh6", "fc00:23::2");
                fail("accepted mpls " + bad);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("End.BM"));
                assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            }
        }
    }

    @Test
    public void exactlyOneOfNh6AndNh4AndMplsRequired() {
        for (List<String> bad : List.of(List.of("mpls", "100"), List.of("nh6", "fc00::2"),
                List.of("mpls", "100", "nh6", "fc00::2", "nh4", "10.0.0.1"))) {
            try {
                new EndBmBehavior().parse(bad);
                fail("accepted " + bad);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("End.BM"));
            }
        }
    }

    @Test
    public void canonicalTextAndSyntax() throws Exception {
        EndBmBehavior b = new EndBmBehavior();
        assertEquals("mpls 100/200 nh6 fc00::2 oif p1", b.parse(List.of("oif", "p1", "nh6", "fc00::2", "mpls", "100/200")).text());
        assertEquals("mpls L1/L2/... nh6 ADDRESS | nh4 ADDRESS [oif PORT] [count]", b.descriptor().syntax());
    }

    @Test
    public void noHeadroomIsDropped() throws Exception {
        byte[] p = packet(2).bytes();
        io.netty.buffer.ByteBuf tight = io.netty.buffer.Unpooled.buffer(14 + p.length);
        try {
            tight.writeZero(14).writeBytes(p);
            PacketContext c = new PacketContext();
            c.reset(tight, 14, 0, 254);
            assertEquals(Verdict.DROP, endBm("mpls", "100", "nh6", "fc00:23::2").process(c));
            assertEquals(DropReason.NO_HEADROOM, c.dropReason);
        } finally {
            tight.release();
        }
    }

    @Test
    public void randomMutationsNeverThrow() throws Exception {
        byte[] good = packet(2).bytes();
        BehaviorInstance[] all = {endBm("mpls", "100/200", "nh6", "fc00:23::2"), endBm("mpls", "7", "nh4", "10.0.0.1")};
        Random r = new Random(8986);
        for (int i = 0; i < 5000; i++) {
            byte[] m = Arrays.copyOf(good, r.nextInt(good.length + 1));
            for (int k = r.nextInt(6); k >= 0 && m.length > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            harness.load(m);
            assertNotNull(all[i % all.length].process(ctx));
        }
    }
}
