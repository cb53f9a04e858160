package org.srv6.appliance.behavior.endad.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBufUtil;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * draft-ietf-spring-sr-service-programming §6.3 (dynamic SR proxy, SRv6 pseudo-code inserted in
 * the static one), expected bytes written from the draft's lines.
 */
public class EndAdInstanceTest {
    static final String SID = "fc00:4::ad";
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4, 5, 6, 7, 8);
    static final byte[] NO_TLV = new byte[0];

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    static TestBehaviorContext context() {
        return new TestBehaviorContext().prefix(SID, 128).port("p2", 2);
    }

    static BehaviorInstance sid(String line) throws BehaviorException {
        EndAdBehavior b = new EndAdBehavior();
        return b.create(b.parse(List.of(line.split(" "))), context());
    }

    static byte[] udp6(int hl, int tc, int flow) {
        return Packets.ipv6("fc00:100::1", "fc00:200::1", Packets.PROTO_UDP, hl, tc, flow,
                Packets.udp("fc00:100::1", "fc00:200::1", 1000, 2000, DATA));
    }

    static byte[] udp4(int ttl) {
        return Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.PROTO_UDP, ttl, 77, 0x20,
                Packets.udp("10.1.0.1", "10.2.0.1", 1000, 2000, DATA));
    }

    static byte[] frame() {
        return Packets.ethernet("02:00:00:00:00:22", "02:00:00:00:00:11", 0x88b5, Packets.fill(46, 3));
    }

    /** From {@code src}: SRH (S1, SID, S5, S6) in path order with SL 2 (active: the SID), tag 0x1234, then inner. */
    static byte[] toSid(String src, int nh, byte[] inner) {
        return Packets.ipv6(src, SID, 43, 60, 0x28, 0xabcde,
                Packets.srh(nh, 2, 0, 0x1234, List.of("fc00:6::1", "fc00:5::1", SID, "fc00:3::1"), NO_TLV, inner));
    }

    /** The header the proxy learns from {@link #toSid}: after the End step, SL 1, DA S5; then what the return path sets. */
    static byte[] learnt(String src, int nh, int hl, int tc, int flow, byte[] inner) {
        return Packets.ipv6(src, "fc00:5::1", 43, hl, tc, flow,
                Packets.srh(nh, 1, 0, 0x1234, List.of("fc00:6::1", "fc00:5::1", SID, "fc00:3::1"), NO_TLV, inner));
    }

    @Test
    public void beforeLearningWhatComesBackIsDropped() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        assertEquals("nothing learnt", in.status());
        harness.load(udp6(49, 0, 0));
        assertEquals(Verdict.DROP, in.processReturn(ctx));
        assertEquals(DropReason.PROXY_NOT_LEARNT, ctx.dropReason);
    }

    @Test
    public void learnsTheHeadersAfterTheEndStepAndPutsThemBack() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        byte[] inner = udp6(50, 0x12, 0x12345);
        harness.load(toSid("fc00:9::1", 41, inner));
        // static line 1, dynamic lines 1-4 (SL 2 -> 1, DA S5, learnt), static lines 2-3
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        assertEquals(1, ctx.outPort);
        assertArrayEquals(Packets.ip6("fc00:a::2"), ctx.nextHop6);
        assertArrayEquals(inner, harness.l3());
        assertTrue(in.status(), in.status().matches("learnt \\d+s ago"));

        byte[] back = udp6(49, 0x12, 0x12345);
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(254, ctx.table);
        assertEquals(Packets.hex(learnt("fc00:9::1", 41, 49, 0x12, 0x12345, back)), harness.l3Hex());
        assertEquals(ctx.l3 - 14, ctx.buf.readerIndex());
    }

    @Test
    public void relearnsWhenThePolicyChanges() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        harness.load(toSid("fc00:9::1", 41, udp6(50, 0, 0)));
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        // another source and one more TLV-less segment list: a different IPv6 encaps
        byte[] other = Packets.ipv6("fc00:8::1", SID, 43, 60, 0, 0,
                Packets.srh(41, 1, 0, 7, List.of("fc00:7::1", SID), NO_TLV, udp6(50, 0, 0)));
        harness.load(other);
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        byte[] back = udp6(30, 0, 0);
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(Packets.hex(Packets.ipv6("fc00:8::1", "fc00:7::1", 43, 30, 0, 0,
                Packets.srh(41, 0, 0, 7, List.of("fc00:7::1", SID), NO_TLV, back))), harness.l3Hex());
        // the same encaps with another hop limit, traffic class, flow label and length: nothing to relearn
        harness.load(Packets.ipv6("fc00:8::1", SID, 43, 9, 3, 5,
                Packets.srh(41, 1, 0, 7, List.of("fc00:7::1", SID), NO_TLV, udp6(50, 0, 0))));
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(Packets.hex(Packets.ipv6("fc00:8::1", "fc00:7::1", 43, 30, 0, 0,
                Packets.srh(41, 0, 0, 7, List.of("fc00:7::1", SID), NO_TLV, back))), harness.l3Hex());
    }

    @Test
    public void ipv4ServiceBothWays() throws Exception {
        BehaviorInstance in = sid("nh4 10.9.0.2 oif p1 iif p2");
        byte[] inner = udp4(50);
        harness.load(toSid("fc00:9::1", 4, inner));
        assertEquals(Verdict.FORWARD_NH4, in.process(ctx));
        assertEquals(Packets.ip4("10.9.0.2"), ctx.nextHop4);
        assertArrayEquals(inner, harness.l3());
        byte[] back = udp4(49);
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(Packets.hex(learnt("fc00:9::1", 4, 64, 0, 0, back)), harness.l3Hex());
        // an IPv6 packet back at an IPv4 service matches nothing
        harness.load(udp6(49, 0, 0));
        assertEquals(Verdict.DROP, in.processReturn(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
    }

    @Test
    public void l2ServiceBothWays() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        byte[] frame = frame();
        harness.load(toSid("fc00:9::1", 143, frame));
        assertEquals(Verdict.L2_OUT, in.process(ctx));
        assertEquals(1, ctx.outPort);
        assertArrayEquals(frame, ByteBufUtil.getBytes(ctx.buf));
        byte[] broadcast = Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:11", 0x0806, Packets.fill(28, 1));
        harness.loadFrame(broadcast);
        ctx.wholeFrame = true;
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(Packets.hex(learnt("fc00:9::1", 143, 64, 0, 0, broadcast)), harness.l3Hex());
    }

    @Test
    public void noSrhOrSegmentsLeftZeroIsDropped() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        harness.load(Packets.ipv6("fc00:9::1", SID, 41, 60, 0, 0, udp6(50, 0, 0)));
        assertEquals(Verdict.DROP, in.process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
        harness.load(Packets.ipv6("fc00:9::1", SID, 43, 60, 0, 0,
                Packets.srh(41, 0, 0, 0, List.of(SID, "fc00:3::1"), NO_TLV, udp6(50, 0, 0))));
        assertEquals(Verdict.DROP, in.process(ctx));
        assertEquals(DropReason.SL_ZERO, ctx.dropReason);
        assertEquals("nothing learnt", in.status());
    }

    @Test
    public void aHeaderLongerThanTheCacheIsNotLearntAndDropped() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        List<String> segs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            segs.add("fc00:7::" + Integer.toHexString(i + 1));
        }
        segs.set(63, SID); // Segment List[63] is the active one with SL 63: 8 + 1024 bytes of SRH
        harness.load(Packets.ipv6("fc00:9::1", SID, 43, 60, 0, 0,
                Packets.srh(41, 63, 0, 0, segs, NO_TLV, udp6(50, 0, 0))));
        assertEquals(Verdict.DROP, in.process(ctx));
        assertEquals(DropReason.PROXY_HEADER_TOO_LONG, ctx.dropReason);
        assertEquals("nothing learnt", in.status());
    }

    /** Two threads relearn two policies while a third puts headers back: every copy is one of the two, whole. */
    @Test
    public void aHeaderPutBackIsNeverTorn() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2");
        byte[] a = toSid("fc00:9::1", 41, udp6(50, 0, 0));
        byte[] b = Packets.ipv6("fc00:8::8", SID, 43, 60, 0, 0,
                Packets.srh(41, 2, 0, 0x7777, List.of("fc00:e::1", "fc00:d::1", SID, "fc00:c::1"), NO_TLV, udp6(50, 0, 0)));
        byte[] back = udp6(40, 0, 0);
        String expectA = Packets.hex(learnt("fc00:9::1", 41, 40, 0, 0, back));
        String expectB = Packets.hex(Packets.ipv6("fc00:8::8", "fc00:d::1", 43, 40, 0, 0,
                Packets.srh(41, 1, 0, 0x7777, List.of("fc00:e::1", "fc00:d::1", SID, "fc00:c::1"), NO_TLV, back)));
        harness.load(a);
        in.process(ctx);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long until = System.nanoTime() + 300_000_000L;
        List<Thread> learners = new ArrayList<>();
        for (byte[] p : List.of(a, b)) {
            Thread t = new Thread(() -> {
                try (PacketHarness h = new PacketHarness()) {
                    while (System.nanoTime() < until) {
                        h.load(p);
                        in.process(h.ctx);
                        h.load(p == a ? b : a);
                        in.process(h.ctx);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.start();
            learners.add(t);
        }
        int seen = 0;
        while (System.nanoTime() < until) {
            harness.load(back);
            Verdict v = in.processReturn(ctx);
            if (v == Verdict.FORWARD) {
                String got = harness.l3Hex();
                assertTrue(got, got.equals(expectA) || got.equals(expectB));
                seen++;
            } else {
                assertEquals(DropReason.INTERNAL, ctx.dropReason); // writers kept it moving: dropped, never torn
            }
        }
        for (Thread t : learners) {
            t.join();
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertTrue("no header put back", seen > 0);
    }
}
