package org.srv6.appliance.behavior.endas.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

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
 * draft-ietf-spring-sr-service-programming §6.2 (static SR proxy, SRv6 pseudo-code), expected
 * bytes written from the draft's lines: both directions for an IPv6, an IPv4 and an L2 service.
 */
public class EndAsInstanceTest {
    static final String SID = "fc00:4::a5";
    static final String SRC = "fc00:4::1";
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
        EndAsBehavior b = new EndAsBehavior();
        return b.create(b.parse(List.of(line.split(" "))), context());
    }

    static byte[] udp6(int hl, int tc, int flow) {
        return Packets.ipv6("fc00:100::1", "fc00:200::1", Packets.PROTO_UDP, hl, tc, flow,
                Packets.udp("fc00:100::1", "fc00:200::1", 1000, 2000, DATA));
    }

    static byte[] udp4(int ttl, int tos) {
        return Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.PROTO_UDP, ttl, 77, tos,
                Packets.udp("10.1.0.1", "10.2.0.1", 1000, 2000, DATA));
    }

    static byte[] frame() {
        return Packets.ethernet("02:00:00:00:00:22", "02:00:00:00:00:11", 0x88b5, Packets.fill(46, 3));
    }

    /** The packet as the proxy receives it: from fc00:9::1, SRH (SID, S5, S6) with SL 2, then {@code inner}. */
    static byte[] toSid(int nh, byte[] inner) {
        return Packets.ipv6("fc00:9::1", SID, 43, 60, 0x28, 0xabcde,
                Packets.srh(nh, 2, 0, 0x1234, List.of("fc00:6::1", "fc00:5::1", SID), NO_TLV, inner));
    }

    @Test
    public void ipv6ServiceGetsTheInnerPacketUntouchedToItsNextHopOutOfOif() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2 src " + SRC + " segs fc00:5::1,fc00:6::1");
        byte[] inner = udp6(50, 0x12, 0x12345);
        harness.load(toSid(41, inner));
        // lines 1-3: ENH 41, outer header and SRH removed, forwarded (the core takes one off the hop limit)
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        assertEquals(1, ctx.outPort);
        assertArrayEquals(Packets.ip6("fc00:a::2"), ctx.nextHop6);
        assertArrayEquals(inner, harness.l3());
        assertEquals(ctx.l3 - 14, ctx.buf.readerIndex());
    }

    @Test
    public void ipv6ComingBackIsEncapsulatedWithTheCacheTowardsTheNextSegment() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2 src " + SRC + " segs fc00:5::1,fc00:6::1");
        assertEquals(2, in.returnPort());
        byte[] back = udp6(49, 0x12, 0x12345);
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(254, ctx.table);
        // SA = CACHE.SA, DA = CACHE.LIST[0], SL = Last Entry = n - 1, NH of the SRH 41; traffic
        // class, flow label and hop limit from the inner header (SPEC §1.4: the core's forwarding
        // takes the hop limit to inner - 1); the inner packet untouched
        byte[] expected = Packets.ipv6(SRC, "fc00:5::1", 43, 49, 0x12, 0x12345,
                Packets.srh(41, 1, 0, 0, List.of("fc00:6::1", "fc00:5::1"), NO_TLV, back));
        assertEquals(Packets.hex(expected), harness.l3Hex());
        assertEquals(ctx.l3 - 14, ctx.buf.readerIndex());
    }

    @Test
    public void aSegmentListHoldingTheSidGoesOnWithTheSegmentAfterIt() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2 src " + SRC + " segs fc00:3::1," + SID
                + ",fc00:5::1,fc00:6::1");
        byte[] back = udp6(49, 0, 7);
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        byte[] expected = Packets.ipv6(SRC, "fc00:5::1", 43, 49, 0, 7, Packets.srh(41, 1, 0, 0,
                List.of("fc00:6::1", "fc00:5::1", SID, "fc00:3::1"), NO_TLV, back));
        assertEquals(Packets.hex(expected), harness.l3Hex());
    }

    @Test
    public void aSegmentListEndingWithTheSidIsRefused() {
        try {
            sid("nh6 fc00:a::2 oif p1 iif p2 src " + SRC + " segs fc00:5::1," + SID);
            throw new AssertionError("accepted");
        } catch (BehaviorException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("End.AS: segs ends with the proxy SID"));
        }
    }

    @Test
    public void anUnknownPortIsRefusedWithOneLine() {
        for (String line : List.of("nh6 fc00:a::2 oif p9 iif p2 src " + SRC + " segs fc00:5::1",
                "nh6 fc00:a::2 oif p1 iif p9 src " + SRC + " segs fc00:5::1")) {
            try {
                sid(line);
                throw new AssertionError("accepted " + line);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("unknown port p9"));
                assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            }
        }
    }

    @Test
    public void ipv4ServiceBothWays() throws Exception {
        BehaviorInstance in = sid("nh4 10.9.0.2 oif p1 iif p2 src " + SRC + " segs fc00:5::1,fc00:6::1");
        byte[] inner = udp4(50, 0xb8);
        harness.load(toSid(4, inner));
        assertEquals(Verdict.FORWARD_NH4, in.process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.ip4("10.9.0.2"), ctx.nextHop4);
        assertArrayEquals(inner, harness.l3());

        byte[] back = udp4(49, 0xb8);
        harness.load(back);
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        // IPv4 inner: traffic class and flow label 0, hop limit 64 (-1 by the core), as the kernel's encap
        byte[] expected = Packets.ipv6(SRC, "fc00:5::1", 43, 64, 0, 0,
                Packets.srh(4, 1, 0, 0, List.of("fc00:6::1", "fc00:5::1"), NO_TLV, back));
        assertEquals(Packets.hex(expected), harness.l3Hex());
    }

    @Test
    public void l2ServiceGetsTheFrameAsItIsAndItsFramesGoBackWhole() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2 src " + SRC + " segs fc00:5::1,fc00:6::1");
        byte[] frame = frame();
        harness.load(toSid(143, frame));
        assertEquals(Verdict.L2_OUT, in.process(ctx));
        assertEquals(1, ctx.outPort);
        byte[] out = io.netty.buffer.ByteBufUtil.getBytes(ctx.buf);
        assertArrayEquals(frame, out);

        // a frame to a MAC that is not the port's, handed over whole by the core
        harness.loadFrame(frame);
        ctx.wholeFrame = true;
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        byte[] expected = Packets.ipv6(SRC, "fc00:5::1", 43, 64, 0, 0,
                Packets.srh(143, 1, 0, 0, List.of("fc00:6::1", "fc00:5::1"), NO_TLV, frame));
        assertEquals(Packets.hex(expected), harness.l3Hex());

        // a broadcast frame from an L2 service is carried too
        byte[] broadcast = Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:11", 0x0806, Packets.fill(28, 1));
        harness.loadFrame(broadcast);
        ctx.wholeFrame = true;
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(Packets.hex(Packets.ipv6(SRC, "fc00:5::1", 43, 64, 0, 0,
                Packets.srh(143, 1, 0, 0, List.of("fc00:6::1", "fc00:5::1"), NO_TLV, broadcast))), harness.l3Hex());
    }

    @Test
    public void whatMatchesNothingIsDroppedAndCounted() throws Exception {
        BehaviorInstance in = sid("nh6 fc00:a::2 oif p1 iif p2 src " + SRC + " segs fc00:5::1");
        // ENH 4 at an IPv6 service: line 5
        harness.load(toSid(4, udp4(50, 0)));
        assertEquals(Verdict.DROP, in.process(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
        // ENH 17 (no inner packet)
        harness.load(toSid(17, Packets.udp("fc00:9::1", SID, 1, 2, DATA)));
        assertEquals(Verdict.DROP, in.process(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
        // back: IPv4 at an IPv6 service, truncated IPv6, link-local IPv6
        harness.load(udp4(49, 0));
        assertEquals(Verdict.DROP, in.processReturn(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
        byte[] cut = udp6(49, 0, 0);
        harness.load(Packets.slice(cut, 0, cut.length - 3));
        assertEquals(Verdict.DROP, in.processReturn(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
        harness.load(Packets.ipv6("fe80::1", "fc00:200::1", Packets.PROTO_UDP, 64, 0, 0, DATA));
        assertEquals(Verdict.DROP, in.processReturn(ctx));
        assertEquals(DropReason.NOT_FOR_US, ctx.dropReason);
        // a group-addressed frame from a service that is not L2 (nothing L2 was sent to it)
        harness.loadFrame(Packets.ethernet("33:33:00:00:00:16", "02:00:00:00:00:11", 0x86dd,
                Packets.ipv6("fe80::1", "ff02::16", 0, 1, 0, 0, Packets.fill(8, 0))));
        ctx.wholeFrame = true;
        assertEquals(Verdict.DROP, in.processReturn(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
    }
}
