package org.srv6.appliance.behavior.endam.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * End.AM (draft-ietf-spring-sr-service-programming §6.4.1) rule by rule, with the expected
 * packets built from the draft's text: the instance rewrites DA and SL, the core decrements the
 * hop limit on FORWARD_NH6 / FORWARD (checked in the core's {@code EndAmPathTest}).
 */
public class EndAmInstanceTest {
    static final String SRC = "fc00:1::1";
    static final String AM = "fc00:a::1";
    static final String NEXT = "fc00:b::1";
    static final String LAST = "fc00:d::6";
    static final String SERVICE = "fc00:5e::2";
    static final String MAC_A = "02:00:00:00:00:0a";
    static final String MAC_S = "02:00:00:00:00:5e";

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    static Ipv6Builder inner() {
        return Packets.ipv6("fc00:1::10", "fc00:2::20").hopLimit(64).udp(4000, 5000, Packets.bytes(1, 2, 3, 4, 5, 6));
    }

    /** SRC -> DA with an SRH of {@code sl} over AM, NEXT, LAST (first segment first), an inner IPv6 packet. */
    static Ipv6Builder packet(String da, int sl, int hopLimit) {
        return Packets.ipv6(SRC, da).hopLimit(hopLimit).trafficClass(0x28).flowLabel(0x12345)
                .srh(Packets.srh(sl).path(AM, NEXT, LAST).tag(7)).ipv6(inner());
    }

    /** The encapsulation a kernel source makes for segs AM,LAST: SL 1, DA AM. */
    static Ipv6Builder twoSegments(String da, int sl, int hopLimit) {
        return Packets.ipv6(SRC, da).hopLimit(hopLimit).srh(sl, AM, LAST).ipv6(inner());
    }

    private static BehaviorInstance endAm() throws BehaviorException {
        EndAmBehavior b = new EndAmBehavior();
        return b.create(b.parse(List.of("nh6", SERVICE, "oif", "p1", "iif", "p2")),
                new TestBehaviorContext().port("p2", 2));
    }

    // masquerading

    @Test
    public void masqueradingDecrementsSlAndSetsTheDaToTheLastSegment() throws Exception {
        // 1-4: SL 2 -> 1, DA = SRH[0] = LAST, the SRH and everything else kept, out oif to nh6
        harness.load(packet(AM, 2, 64));
        assertEquals(Verdict.FORWARD_NH6, endAm().process(ctx));
        assertEquals(packet(LAST, 1, 64).hex(), harness.l3Hex());
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.hex(Packets.ip6(SERVICE)), Packets.hex(ctx.nextHop6));
    }

    @Test
    public void masqueradingThePenultimateSegmentLeavesSlZero() throws Exception {
        harness.load(twoSegments(AM, 1, 64));
        assertEquals(Verdict.FORWARD_NH6, endAm().process(ctx));
        assertEquals(twoSegments(LAST, 0, 64).hex(), harness.l3Hex());
    }

    @Test
    public void masqueradingWithSlZeroDrops() throws Exception {
        // 5-6: an End.AM SID is never the last segment
        byte[] in = packet(AM, 0, 64).bytes();
        harness.load(in);
        assertEquals(Verdict.DROP, endAm().process(ctx));
        assertEquals(DropReason.SL_ZERO, ctx.dropReason);
        assertEquals(Packets.hex(in), harness.l3Hex());
    }

    @Test
    public void masqueradingWithoutSrhDrops() throws Exception {
        harness.load(Packets.ipv6(SRC, AM).ipv6(inner()));
        assertEquals(Verdict.DROP, endAm().process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void masqueradingMalformedSrhGetsParameterProblemAtSegmentsLeft() throws Exception {
        // SPEC D1: SL 4 > Last Entry + 1
        byte[] in = packet(AM, 4, 64).bytes();
        harness.load(in);
        assertEquals(Verdict.ICMP_ERROR, endAm().process(ctx));
        assertEquals(4, ctx.icmpType);
        assertEquals(0, ctx.icmpCode);
        assertEquals(43, ctx.icmpParam);
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
        assertEquals(Packets.hex(in), harness.l3Hex());
    }

    @Test
    public void masqueradingSrhOverrunningThePacketDrops() throws Exception {
        // the packet ends inside its SRH (the core checks Payload Length; the instance its own reads)
        harness.load(java.util.Arrays.copyOf(packet(AM, 2, 64).bytes(), 40 + 30), 0);
        assertEquals(Verdict.DROP, endAm().process(ctx));
        assertEquals(DropReason.SRH_OVERRUN, ctx.dropReason);
    }

    @Test
    public void masqueradingHopLimitOneGetsTimeExceededQuotingThePacketAsReceived() throws Exception {
        // SPEC D3: checked before SL and DA change
        byte[] in = packet(AM, 2, 1).bytes();
        harness.load(in);
        assertEquals(Verdict.ICMP_ERROR, endAm().process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(DropReason.HOP_LIMIT, ctx.dropReason);
        assertEquals(Packets.hex(in), harness.l3Hex());
    }

    // de-masquerading

    private void loadReturning(Ipv6Builder p) {
        harness.loadFrame(p.frame(MAC_A, MAC_S));
        ctx.inPort = 2;
        ctx.inTable = 100;
    }

    @Test
    public void deMasqueradingSetsTheDaToSegmentListSlAndForwardsInTheIngressTable() throws Exception {
        // 1-3: what the service sent back (DA LAST, SL 1): DA = SRH[1] = NEXT, SL kept, FORWARD
        loadReturning(packet(LAST, 1, 63));
        assertEquals(Verdict.FORWARD, endAm().processReturn(ctx));
        assertEquals(packet(NEXT, 1, 63).hex(), harness.l3Hex());
        assertEquals(100, ctx.table);
    }

    @Test
    public void deMasqueradingWithSlZeroRestoresTheLastSegment() throws Exception {
        // the proxy SID was the penultimate one: SRH[0] is the next (and last) segment
        loadReturning(twoSegments(LAST, 0, 63));
        assertEquals(Verdict.FORWARD, endAm().processReturn(ctx));
        assertEquals(twoSegments(LAST, 0, 63).hex(), harness.l3Hex());
    }

    @Test
    public void bothPartsTogetherLeaveThePacketAsEndWouldWithTheDaRestored() throws Exception {
        BehaviorInstance in = endAm();
        harness.load(packet(AM, 2, 64));
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        byte[] toService = harness.l3();
        toService[7] = 63; // the core's decrement on the way out
        harness.loadFrame(Packets.ethernet(MAC_A, MAC_S, Packets.ETH_IPV6, toService));
        assertEquals(Verdict.FORWARD, in.processReturn(ctx));
        assertEquals(packet(NEXT, 1, 63).hex(), harness.l3Hex());
    }

    @Test
    public void returningPacketWithoutSrhIsDropped() throws Exception {
        Ipv6Builder p = Packets.ipv6(SRC, LAST).hopLimit(63).ipv6(inner());
        loadReturning(p);
        assertEquals(Verdict.DROP, endAm().processReturn(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
        assertEquals(p.hex(), harness.l3Hex());
    }

    @Test
    public void returningPacketWithMalformedSrhIsDroppedWithoutIcmp() throws Exception {
        Ipv6Builder p = packet(LAST, 4, 63);
        loadReturning(p);
        assertEquals(Verdict.DROP, endAm().processReturn(ctx));
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
        assertEquals(p.hex(), harness.l3Hex());
    }

    @Test
    public void returningPacketWhoseSlPointsPastTheListIsDropped() throws Exception {
        // SL = Last Entry + 1 passes RFC 8754's check but SRH[SL] does not exist
        loadReturning(packet(LAST, 3, 63));
        assertEquals(Verdict.DROP, endAm().processReturn(ctx));
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
    }

    @Test
    public void returningIpv4IsDropped() throws Exception {
        Ipv4Builder p = Packets.ipv4("10.0.0.1", "10.0.2.2").ttl(63).udp(7, 9, Packets.bytes(1, 2));
        harness.loadFrame(p.frame(MAC_A, MAC_S));
        assertEquals(Verdict.DROP, endAm().processReturn(ctx));
        assertEquals(DropReason.BAD_ETHERTYPE, ctx.dropReason);
    }

    @Test
    public void returningNonIpFrameIsDropped() throws Exception {
        harness.loadFrame(Packets.ethernet(MAC_A, MAC_S, 0x88b5, Packets.fill(60, 6)));
        assertEquals(Verdict.DROP, endAm().processReturn(ctx));
        assertEquals(DropReason.BAD_ETHERTYPE, ctx.dropReason);
    }

    @Test
    public void returningLinkLocalDestinationIsNotDeMasqueraded() throws Exception {
        loadReturning(packet("fe80::1", 1, 63));
        assertEquals(Verdict.DROP, endAm().processReturn(ctx));
        assertEquals(DropReason.NOT_FOR_US, ctx.dropReason);
    }

    @Test
    public void returningHopLimitOneGetsTimeExceededQuotingThePacketAsReceived() throws Exception {
        Ipv6Builder p = packet(LAST, 1, 1);
        loadReturning(p);
        assertEquals(Verdict.ICMP_ERROR, endAm().processReturn(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(p.hex(), harness.l3Hex());
    }

    @Test
    public void returningFramesCutAtEveryLengthNeverThrow() throws Exception {
        // the contract test hands processReturn bare L3 packets; here the frames carry their ethertype
        BehaviorInstance in = endAm();
        Ipv6Builder packetsWithThreeSegments = packet(LAST, 1, 63);
        for (Ipv6Builder p : List.of(packetsWithThreeSegments, twoSegments(LAST, 0, 63))) {
            byte[] frame = p.frame(MAC_A, MAC_S);
            for (int len = 14; len <= frame.length; len++) {
                harness.loadFrame(java.util.Arrays.copyOf(frame, len));
                harness.buf().writerIndex(ctx.l3 + len - 14);
                Verdict v = in.processReturn(ctx);
                // the SRH whole (40 + 8 + 16 * segments) is all de-masquerading reads
                int whole = 14 + 40 + 8 + 16 * (p == packetsWithThreeSegments ? 3 : 2);
                assertEquals(len + ": " + v, len >= whole ? Verdict.FORWARD : Verdict.DROP, v);
                assertEquals(1, harness.buf().refCnt());
            }
        }
    }

    // configuration

    @Test
    public void claimsTheIifPort() throws Exception {
        assertEquals(2, endAm().returnPort());
    }

    @Test
    public void missingServicePortIsRefusedWithOneLine() throws Exception {
        EndAmBehavior b = new EndAmBehavior();
        for (List<String> line : List.of(List.of("nh6", SERVICE, "oif", "nope", "iif", "p1"),
                List.of("nh6", SERVICE, "oif", "p1", "iif", "nope"))) {
            try {
                b.create(b.parse(line), new TestBehaviorContext());
                fail("accepted " + line);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("unknown port nope for "));
                assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            }
        }
    }

    @Test
    public void syntaxNamesTheThreeParameters() {
        String s = new EndAmBehavior().descriptor().syntax();
        assertTrue(s, s.contains("nh6 ADDRESS") && s.contains("oif PORT") && s.contains("iif PORT"));
    }
}
