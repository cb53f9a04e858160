package org.srv6.appliance.behavior.enddx2.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.List;

import io.netty.buffer.ByteBufUtil;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndDx2InstanceTest {
    static final int PROTO_ETHERNET = 143;

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** An IPv6/UDP frame between two customer hosts. */
    static byte[] innerFrame() {
        return Packets.ipv6("fc00:a::1", "fc00:b::1").hopLimit(64).udp(1000, 2000, Packets.fill(12, 3))
                .frame("02:00:00:00:0b:01", "02:00:00:00:0a:01");
    }

    static byte[] arpBroadcast() {
        return Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:0a:01", Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:0a:01", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"));
    }

    static byte[] vlanTagged() {
        byte[] ip4 = Packets.ipv4("10.0.0.1", "10.0.0.2").udp(1, 2, Packets.fill(10, 1)).bytes();
        return Packets.ethernet("02:00:00:00:0b:01", "02:00:00:00:0a:01", 0x8100,
                Packets.cat(Packets.u16(0x0064), Packets.u16(Packets.ETH_IPV4), ip4));
    }

    /** fc00::1 -> the SID fc00::d2 with an SRH at SL 0 over fc00::d2, carrying {@code frame}. */
    static Ipv6Builder packet(byte[] frame) {
        return Packets.ipv6("fc00::1", "fc00::d2").srh(0, "fc00::d2").payload(PROTO_ETHERNET, frame);
    }

    private BehaviorInstance dx2(String... tokens) throws Exception {
        EndDx2Behavior b = new EndDx2Behavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    private String sent() {
        return ByteBufUtil.hexDump(ctx.buf, ctx.buf.readerIndex(), ctx.buf.readableBytes());
    }

    @After
    public void release() {
        harness.close();
    }

    @Test
    public void innerEthernetFrameGoesOutOfOifAsItIs() throws Exception {
        harness.load(packet(innerFrame()));
        assertEquals(Verdict.L2_OUT, dx2("oif", "p1").process(ctx));
        assertEquals(1, ctx.outPort);
        assertEquals(Packets.hex(innerFrame()), sent());
        assertEquals(ctx.buf.readerIndex() + 14, ctx.l3);
    }

    @Test
    public void arpBroadcastGoesOutAsItIs() throws Exception {
        harness.load(packet(arpBroadcast()));
        assertEquals(Verdict.L2_OUT, dx2("oif", "p1").process(ctx));
        assertEquals(Packets.hex(arpBroadcast()), sent());
    }

    @Test
    public void vlanTaggedFrameGoesOutAsItIs() throws Exception {
        harness.load(packet(vlanTagged()));
        assertEquals(Verdict.L2_OUT, dx2("oif", "p1").process(ctx));
        assertEquals(Packets.hex(vlanTagged()), sent());
    }

    @Test
    public void withoutSrhTheFrameGoesOutAsTheKernelDoes() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d2").payload(PROTO_ETHERNET, innerFrame()));
        assertEquals(Verdict.L2_OUT, dx2("oif", "p1").process(ctx));
        assertEquals(Packets.hex(innerFrame()), sent());
    }

    @Test
    public void s01SegmentsLeftNotZeroIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d2").srh(1, "fc00::d2", "fc00::e").payload(PROTO_ETHERNET, innerFrame()));
        assertEquals(Verdict.DROP, dx2("oif", "p1").process(ctx));
        assertEquals(DropReason.SL_NOT_ZERO, ctx.dropReason);
    }

    @Test
    public void innerIpv6IsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::d2").srh(0, "fc00::d2")
                .ipv6(Packets.ipv6("fc00:a::1", "fc00:b::1").udp(1, 2, Packets.fill(8, 0))));
        assertEquals(Verdict.DROP, dx2("oif", "p1").process(ctx));
        assertEquals(DropReason.UNSUPPORTED_PAYLOAD, ctx.dropReason);
    }

    @Test
    public void frameShorterThanAnEthernetHeaderIsDropped() throws Exception {
        harness.load(packet(Packets.slice(innerFrame(), 0, 13)));
        assertEquals(Verdict.DROP, dx2("oif", "p1").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
    }

    @Test
    public void ieee8023LengthFieldIsDroppedAsTheKernelDoes() throws Exception {
        byte[] f = Packets.ethernet("02:00:00:00:0b:01", "02:00:00:00:0a:01", 0x05dc, Packets.fill(46, 1));
        harness.load(packet(f));
        assertEquals(Verdict.DROP, dx2("oif", "p1").process(ctx));
        assertEquals(DropReason.BAD_ETHERTYPE, ctx.dropReason);
    }

    @Test
    public void oifIsRequiredAndMustExist() throws Exception {
        EndDx2Behavior b = new EndDx2Behavior();
        try {
            b.parse(List.of());
            fail("End.DX2 without oif accepted");
        } catch (BehaviorException e) {
            assertEquals(false, e.getMessage().contains("\n"));
        }
        try {
            b.create(b.parse(List.of("oif", "nope")), new TestBehaviorContext());
            fail("End.DX2 with an unknown port accepted");
        } catch (BehaviorException e) {
            assertEquals(false, e.getMessage().contains("\n"));
        }
    }
}
