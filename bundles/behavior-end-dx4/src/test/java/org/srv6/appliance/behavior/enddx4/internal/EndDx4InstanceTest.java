package org.srv6.appliance.behavior.enddx4.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndDx4InstanceTest {
    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    static Ipv4Builder inner() {
        return Packets.ipv4("10.0.0.1", "10.0.1.1").ttl(63).udp(1000, 2000, Packets.fill(12, 3));
    }

    /** fc00::1 -> the SID fc00::d4 with an SRH at SL 0 over fc00::d4, carrying the inner IPv4 packet. */
    static Ipv6Builder packet() {
        return Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4").ipv4(inner());
    }

    private BehaviorInstance dx4(String... tokens) throws Exception {
        EndDx4Behavior b = new EndDx4Behavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    @After
    public void release() {
        harness.close();
    }

    @Test
    public void s05DecapsulatesAndForwardsToTheAdjacency() throws Exception {
        harness.load(packet());
        assertEquals(Verdict.FORWARD_NH4, dx4("nh4", "10.0.2.2", "oif", "p1").process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.ip4("10.0.2.2"), ctx.nextHop4);
        assertEquals(inner().hex(), harness.l3Hex());
        assertEquals(ctx.l3 - 14, ctx.buf.readerIndex());
    }

    @Test
    public void withoutOifTheRouteToTheNextHopChoosesThePort() throws Exception {
        harness.load(packet());
        assertEquals(Verdict.FORWARD_NH4, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(-1, ctx.outPort);
    }

    @Test
    public void withoutSrhTheInnerPacketIsForwardedAsTheKernelDoes() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").ipv4(inner()));
        assertEquals(Verdict.FORWARD_NH4, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(inner().hex(), harness.l3Hex());
    }

    @Test
    public void bytesAfterTheInnerPacketAreLeftOut() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4")
                .payload(Packets.PROTO_IPV4, Packets.cat(inner().bytes(), Packets.bytes(9, 9, 9, 9))));
        assertEquals(Verdict.FORWARD_NH4, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(inner().hex(), harness.l3Hex());
    }

    @Test
    public void s01SegmentsLeftNotZeroIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(1, "fc00::d4", "fc00::e").ipv4(inner()));
        assertEquals(Verdict.DROP, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(DropReason.SL_NOT_ZERO, ctx.dropReason);
    }

    @Test
    public void innerIpv6IsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4")
                .ipv6(Packets.ipv6("fc00:a::1", "fc00:b::1").udp(1, 2, Packets.fill(8, 0))));
        assertEquals(Verdict.DROP, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
    }

    @Test
    public void truncatedInnerPacketIsDropped() throws Exception {
        byte[] in = inner().bytes();
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4")
                .payload(Packets.PROTO_IPV4, Packets.slice(in, 0, in.length - 1)));
        assertEquals(Verdict.DROP, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4")
                .payload(Packets.PROTO_IPV4, Packets.slice(in, 0, 19)));
        assertEquals(Verdict.DROP, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
    }

    @Test
    public void innerHeaderLengthBelowTwentyIsDropped() throws Exception {
        byte[] in = inner().bytes();
        in[0] = 0x44;
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4").payload(Packets.PROTO_IPV4, in));
        assertEquals(Verdict.DROP, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(DropReason.BAD_IP_HEADER, ctx.dropReason);
        in[0] = 0x65;
        harness.load(Packets.ipv6("fc00::1", "fc00::d4").srh(0, "fc00::d4").payload(Packets.PROTO_IPV4, in));
        assertEquals(Verdict.DROP, dx4("nh4", "10.0.2.2").process(ctx));
        assertEquals(DropReason.BAD_IP_VERSION, ctx.dropReason);
    }
}
