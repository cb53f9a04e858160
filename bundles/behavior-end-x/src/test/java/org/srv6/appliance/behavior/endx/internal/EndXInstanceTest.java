package org.srv6.appliance.behavior.endx.internal;

import static org.junit.Assert.assertEquals;

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

public class EndXInstanceTest {
    static final String S2 = "fc000000000000000000000000000012";

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** fc00::1 -> fc00::11 with an SRH (SL 1) over fc00::11, fc00::12; 4 bytes after the SRH that Payload Length leaves out. */
    static Ipv6Builder packet() {
        return Packets.ipv6("fc00::1", "fc00::11").payloadLength(0x28).srh(1, "fc00::11", "fc00::12")
                .payload(Packets.PROTO_UDP, Packets.bytes(1, 2, 3, 4));
    }

    @After
    public void release() {
        harness.close();
    }

    @Test
    public void forwardsToNextHopAndOutputPort() throws Exception {
        EndXBehavior b = new EndXBehavior();
        BehaviorInstance in = b.create(b.parse(List.of("nh6", "fc00::2", "oif", "p1")), new TestBehaviorContext());
        harness.load(packet());
        assertEquals(Verdict.FORWARD_NH6, in.process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.hex(Packets.ip6("fc00::2")), Packets.hex(ctx.nextHop6));
        assertEquals(S2, harness.hexAt(24, 16));
    }

    private static BehaviorInstance endX(String... tokens) throws BehaviorException {
        EndXBehavior b = new EndXBehavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    static Ipv4Builder inner4(int ttl) {
        return Packets.ipv4("10.0.0.1", "10.0.2.2").ttl(ttl).udp(7, 9, Packets.bytes(1, 2, 3, 4));
    }

    @Test
    public void usdSendsTheExposedIpv4PacketToTheAdjacencyWithTtlDecremented() throws Exception {
        // RFC 8986 §4.16.3 End.X S01-S03: pop the outer header, forward the exposed IPv4 packet to J.
        harness.load(Packets.ipv6("fc00::1", "fc00::11").srh(0, "fc00::11").ipv4(inner4(64)));
        assertEquals(Verdict.L2_NH6, endX("nh6", "fc00::2", "oif", "p1", "flavors", "usd").process(ctx));
        assertEquals(0x0800, ctx.etherType);
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.hex(Packets.ip6("fc00::2")), Packets.hex(ctx.nextHop6));
        assertEquals(inner4(63).hex(), harness.l3Hex());
    }

    @Test
    public void usdWithoutSrhSendsTheExposedIpv4Packet() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::11").ipv4(inner4(2)));
        assertEquals(Verdict.L2_NH6, endX("nh6", "fc00::2", "flavors", "usd").process(ctx));
        assertEquals(inner4(1).hex(), harness.l3Hex());
    }

    @Test
    public void usdExposedIpv4WithTtlOneGetsTimeExceeded() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::11").srh(0, "fc00::11").ipv4(inner4(1)));
        assertEquals(Verdict.ICMP_ERROR, endX("nh6", "fc00::2", "flavors", "usd").process(ctx));
        assertEquals(11, ctx.icmpType);
        assertEquals(DropReason.HOP_LIMIT, ctx.dropReason);
        assertEquals(inner4(1).hex(), harness.l3Hex());
    }

    @Test
    public void usdSendsTheExposedIpv6PacketToTheAdjacency() throws Exception {
        Ipv6Builder inner = Packets.ipv6("fc01::1", "fc01::2").udp(7, 9, Packets.bytes(1, 2, 3, 4));
        harness.load(Packets.ipv6("fc00::1", "fc00::11").srh(0, "fc00::11").ipv6(inner));
        assertEquals(Verdict.FORWARD_NH6, endX("nh6", "fc00::2", "flavors", "usd").process(ctx));
        assertEquals(inner.hex(), harness.l3Hex());
    }

    @Test
    public void nextCsidShiftsTheNextCsidInAndGoesToTheAdjacency() throws Exception {
        // RFC 9800 §4.2: locator block fc00:0 (32), C-SIDs 0100, 0200, 0300 of 16 bits; no SRH touched.
        Ipv6Builder in = Packets.ipv6("fc00::1", "fc00:0:100:200:300::").udp(7, 9, Packets.bytes(1, 2, 3, 4));
        harness.load(in);
        assertEquals(Verdict.FORWARD_NH6, endX("nh6", "fc00::2", "oif", "p1", "flavors", "next-csid").process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.hex(Packets.ip6("fc00::2")), Packets.hex(ctx.nextHop6));
        // The UDP checksum is not rewritten, as in the kernel: only the DA changes.
        String expected = in.hex();
        expected = expected.substring(0, 48) + "fc000000020003000000000000000000" + expected.substring(80);
        assertEquals(expected, harness.l3Hex());
    }

    @Test
    public void nextCsidWithOtherLengthsShiftsByNflen() throws Exception {
        // lblen 48, nflen 32: block fc00:0:1, C-SIDs 0000:0a0a, 0b0b:0b0b.
        harness.load(Packets.ipv6("fc00::1", "fc00:0:1:0:a0a:b0b:b0b::").udp(7, 9, Packets.bytes(1, 2)));
        assertEquals(Verdict.FORWARD_NH6, endX("nh6", "fc00::2", "flavors", "next-csid", "lblen", "48", "nflen", "32")
                .process(ctx));
        assertEquals("fc00000000010b0b0b0b000000000000", harness.hexAt(24, 16));
    }

    @Test
    public void nextCsidLastCsidFallsBackToTheSrh() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00:0:300::").srh(1, "fc00:0:300::", "fc00::12")
                .payload(Packets.PROTO_UDP, Packets.bytes(1, 2, 3, 4)));
        assertEquals(Verdict.FORWARD_NH6, endX("nh6", "fc00::2", "flavors", "next-csid").process(ctx));
        assertEquals(S2, harness.hexAt(24, 16));
    }

    @Test
    public void nextCsidHopLimitOneGetsTimeExceededBeforeTheShift() throws Exception {
        Ipv6Builder in = Packets.ipv6("fc00::1", "fc00:0:100:200::").hopLimit(1).udp(7, 9, Packets.bytes(1, 2));
        harness.load(in);
        assertEquals(Verdict.ICMP_ERROR, endX("nh6", "fc00::2", "flavors", "next-csid").process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(in.hex(), harness.l3Hex());
    }

    @Test
    public void nextCsidLengthsAreChecked() {
        for (String[] bad : new String[][] {{"lblen", "30"}, {"nflen", "0"}, {"lblen", "120", "nflen", "16"}}) {
            List<String> t = new java.util.ArrayList<>(List.of("nh6", "fc00::2", "flavors", "next-csid"));
            t.addAll(List.of(bad));
            try {
                endX(t.toArray(new String[0]));
                org.junit.Assert.fail("accepted " + t);
            } catch (BehaviorException e) {
                assertEquals(false, e.getMessage().contains("\n"));
            }
        }
    }

    @Test(expected = BehaviorException.class)
    public void lblenWithoutNextCsidIsRejected() throws Exception {
        endX("nh6", "fc00::2", "lblen", "32");
    }

    @Test
    public void missingNh6IsRejectedWithOneLine() {
        try {
            new EndXBehavior().parse(List.of("oif", "p1"));
            org.junit.Assert.fail("End.X without nh6 accepted");
        } catch (BehaviorException e) {
            assertEquals(false, e.getMessage().contains("\n"));
        }
    }
}
