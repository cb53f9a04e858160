package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.function.Function;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Packets;

/** The core carries out every verdict a behavior instance returns (api Verdict), buffers accounted for. */
public class VerdictTest extends DataplaneTestSupport {
    private static final String SID = "fc00::7";

    private void sid(Function<PacketContext, Verdict> script) throws Exception {
        dp.behaviors().addProvider(new Provider("T", "ENDPOINT", ScriptedBehavior.endpoint(script),
                1, 0, 1, "test.t", "1.0.0"));
        dp.routes().add(new RouteSpec(6, SID + "/128", null, null, 254, 0, "seg6local", "T", List.of()));
    }

    private static byte[] toSid() {
        return Packets.ipv6(HOST0, SID).hopLimit(64).udp(1, 2, Packets.fill(16, 0)).bytes();
    }

    @Test
    public void forwardNh6SendsToTheNextHopThroughItsRoute() throws Exception {
        sid(ctx -> {
            System.arraycopy(Packets.ip6(HOST1), 0, ctx.nextHop6, 0, 16);
            return Verdict.FORWARD_NH6;
        });
        byte[] pkt = toSid();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertFrame("to host1, hop limit - 1", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, expected),
                poll(p1));
    }

    @Test
    public void l2Nh4SendsWhatIsAtL3WithTheGivenEthertypeToTheNeighbor() throws Exception {
        // End.BM's shape: one MPLS label pushed in front of the IPv6 packet, sent to an IPv4 neighbor
        sid(ctx -> {
            ctx.pushFront(4);
            ctx.buf.setInt(ctx.l3, (1000 << 12) | 0x100 | 63);
            ctx.nextHop4 = (10 << 24) | (1 << 16) | 2; // 10.1.0.2 = host1
            ctx.etherType = 0x8847;
            return Verdict.L2_NH4;
        });
        byte[] pkt = toSid();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] label = {0x00, 0x3e, (byte) 0x81, 63};
        assertFrame("MPLS to host1, the packet untouched",
                Packets.ethernet(HOST1_MAC, P1_MAC, 0x8847, Packets.cat(label, pkt)), poll(p1));
    }

    @Test
    public void forwardNh6WithoutRouteToTheNextHopGetsDestinationUnreachable() throws Exception {
        sid(ctx -> {
            System.arraycopy(Packets.ip6("2001:db8:99::9"), 0, ctx.nextHop6, 0, 16);
            return Verdict.FORWARD_NH6;
        });
        byte[] pkt = toSid();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("Destination Unreachable", icmp6ErrorToHost0(P0_ADDR, 1, 0, 0, pkt), poll(p0));
        assertEquals("SID errors", 1, dp.sr().sids().get(0).drops());
    }

    @Test
    public void l2OutSendsTheFrameAsItIs() throws Exception {
        MemoryPort p2 = dp.ports().addMemory("p2");
        int index = dp.ports().get("p2").index();
        sid(ctx -> {
            ctx.outPort = index;
            return Verdict.L2_OUT;
        });
        byte[] frame = fromHost0(Packets.ETH_IPV6, toSid());
        p0.inject(frame);
        assertFrame("the frame unchanged", frame, poll(p2));
    }

    @Test
    public void l2OutOfAFrameLargerThanThePortsMtuIsDroppedAsTheKernelsEndDx2Does() throws Exception {
        MemoryPort p2 = dp.ports().addMemory("p2");
        int index = dp.ports().get("p2").index();
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).udp(1, 2, Packets.fill(200, 0)).bytes();
        dp.ports().setMtu("p2", pkt.length - 1); // the payload of the frame is the packet: one byte too many
        sid(ctx -> {
            ctx.outPort = index;
            return Verdict.L2_OUT;
        });
        long before = drop(DropReason.MTU_EXCEEDED);
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertNothingSent(p2, 300);
        assertEquals(before + 1, drop(DropReason.MTU_EXCEEDED));
        assertEquals("SID errors", 1, dp.sr().sids().get(0).drops());
        dp.ports().setMtu("p2", pkt.length); // exactly the MTU: sent
        byte[] frame = fromHost0(Packets.ETH_IPV6, pkt);
        p0.inject(frame);
        assertFrame("the frame unchanged", frame, poll(p2));
    }

    @Test
    public void pushedHeaderIsSentWithTheHeadroomTheCoreGuarantees() throws Exception {
        // An encapsulation of the maximal size the api promises room for, then IP forwarding.
        int push = PacketContext.HEADROOM - 14;
        dp.ports().setMtu("p1", 9000); // the pushed header alone is bigger than 1500
        sid(ctx -> {
            if (!ctx.pushFront(push)) {
                return ctx.drop(DropReason.NO_HEADROOM);
            }
            int l3 = ctx.l3;
            ctx.buf.setZero(l3, push);
            Ipv6.versionTcFlow(ctx.buf, l3, 0, 0);
            Ipv6.payloadLength(ctx.buf, l3, ctx.l3Length() - 40);
            Ipv6.nextHeader(ctx.buf, l3, 59); // opaque: only the room matters here
            Ipv6.hopLimit(ctx.buf, l3, 64);
            Ipv6.src(ctx.buf, l3, Packets.ip6(P1_ADDR));
            Ipv6.dst(ctx.buf, l3, Packets.ip6(HOST1));
            return ctx.forward(254);
        });
        byte[] pkt = toSid();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] out = poll(p1);
        assertEquals("frame length", 14 + push + pkt.length, out.length);
        assertEquals("outer hop limit", 63, out[14 + 7] & 0xff);
        assertFrame("inner packet untouched", pkt, Packets.slice(out, 14 + push, pkt.length));
    }

    @Test
    public void dropVerdictIsCountedUnderItsReasonAndOnTheSid() throws Exception {
        sid(ctx -> ctx.drop(DropReason.UNSUPPORTED_PAYLOAD));
        p0.inject(fromHost0(Packets.ETH_IPV6, toSid()));
        awaitDrop(DropReason.UNSUPPORTED_PAYLOAD, 1);
        assertEquals("SID drops", 1, dp.sr().sids().get(0).drops());
        assertNothingSent(p0, 50);
        assertNothingSent(p1, 0);
    }

    @Test
    public void portSteeringHandsEveryNonLocalPacketToTheTransitBehavior() throws Exception {
        dp.behaviors().addProvider(new Provider("encap", "TRANSIT", ScriptedBehavior.transit(ctx -> {
            System.arraycopy(Packets.ip6(HOST1), 0, ctx.nextHop6, 0, 16);
            return Verdict.FORWARD_NH6;
        }), 2, 0, 2, "test.tmode", "1.0.0"));
        dp.sr().addSteer("p0", "encap", List.of("segs", "fc00::1"));
        assertEquals(List.of("iif p0 mode encap segs fc00::1"), dp.sr().steers());
        String dst = "2001:db8:99::1"; // no route: steering comes first
        byte[] pkt = Packets.ipv6(HOST0, dst).hopLimit(64).udp(1, 2, Packets.fill(4, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] expected = pkt.clone();
        expected[7] = 63;
        assertFrame("steered to host1", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, expected), poll(p1));
        assertStillAnswers(); // local traffic is not steered
        dp.sr().deleteSteer("p0");
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertEquals("unsteered: no route", 1, poll(p0)[54] & 0xff);
    }

    @Test
    public void behaviorThatThrowsCostsOnlyItsPacket() throws Exception {
        sid(ctx -> {
            throw new IllegalStateException("broken behavior");
        });
        expectedInternal = 1;
        p0.inject(fromHost0(Packets.ETH_IPV6, toSid()));
        awaitDrop(DropReason.INTERNAL, 1);
        assertEquals("SID errors", 1, dp.sr().sids().get(0).drops());
        assertNothingSent(p1, 50);
        assertStillAnswers();
    }

    @Test
    public void behaviorReturningNoVerdictCostsOnlyItsPacket() throws Exception {
        sid(ctx -> null);
        expectedInternal = 1;
        p0.inject(fromHost0(Packets.ETH_IPV6, toSid()));
        awaitDrop(DropReason.INTERNAL, 1);
        assertNothingSent(p1, 50);
        assertStillAnswers();
    }
}
