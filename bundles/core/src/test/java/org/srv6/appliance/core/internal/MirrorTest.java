package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MirrorInfo;
import org.srv6.appliance.core.internal.io.MemoryPortImpl;
import org.srv6.appliance.testkit.Packets;

/**
 * The Linux control plane's mirror of p0 ({@code srv6:lcp}), here a memory port in place of the
 * TAP in the control namespace: which frames p0 receives are punted to it unchanged, which the
 * appliance answers itself, which both (NDP, ARP: answered, and a copy punted), and what the
 * mirror sends leaves through p0 unchanged.
 */
public class MirrorTest extends DataplaneTestSupport {
    private static final String LL_HOST0 = "fe80::2";
    private MemoryPortImpl m0;

    @Before
    public void mirrorP0() throws Exception {
        m0 = dp.runtime().openMemory(-1, "m0");
        dp.mirrors().attach("p0", m0, "lc-unit", "cp0");
    }

    private MirrorInfo mirror() {
        List<MirrorInfo> l = dp.mirrors().list();
        assertEquals(1, l.size());
        return l.get(0);
    }

    private void assertPunted(String what, byte[] frame) throws InterruptedException {
        long before = mirror().punted();
        p0.inject(frame);
        assertFrame(what + " punted unchanged", frame, poll(m0));
        await("punted = " + (before + 1), () -> mirror().punted() == before + 1, 2000);
        assertNothingSent(p0, 50);
    }

    @Test
    public void listedWithItsNamespaceAndName() {
        MirrorInfo i = mirror();
        assertEquals("p0", i.port());
        assertEquals("lc-unit", i.netns());
        assertEquals("cp0", i.ifname());
        assertEquals(i, dp.mirrors().get("p0"));
    }

    @Test
    public void ospfv3ToAllSpfRoutersIsPunted() throws Exception {
        byte[] hello = Packets.ipv6(LL_HOST0, "ff02::5").hopLimit(1).payload(89, Packets.fill(40, 5)).bytes();
        assertPunted("OSPFv3 hello", Packets.ethernet("33:33:00:00:00:05", HOST0_MAC, Packets.ETH_IPV6, hello));
    }

    @Test
    public void routerAdvertisementIsPunted() throws Exception {
        byte[] ra = Packets.ipv6(LL_HOST0, "ff02::1").hopLimit(255).icmpv6(134, 0, Packets.fill(12, 0)).bytes();
        assertPunted("RA", Packets.ethernet("33:33:00:00:00:01", HOST0_MAC, Packets.ETH_IPV6, ra));
    }

    @Test
    public void udpToOwnAddressIsPuntedInsteadOfRefused() throws Exception {
        long refused = drop(DropReason.UPPER_LAYER);
        assertPunted("UDP", fromHost0(Packets.ETH_IPV6, udp6Packet(HOST0, P0_ADDR, 64, 12)));
        assertEquals("no port unreachable", refused, drop(DropReason.UPPER_LAYER));
    }

    @Test
    public void bgpEchoRepliesAndErrorsToOwnAddressesArePunted() throws Exception {
        assertPunted("TCP to port 179", fromHost0(Packets.ETH_IPV6,
                Packets.ipv6(HOST0, P0_ADDR).hopLimit(64).payload(6, Packets.cat(Packets.u16(40000), Packets.u16(179),
                        Packets.fill(16, 1))).bytes()));
        assertPunted("echo reply to the link-local address", fromHost0(Packets.ETH_IPV6,
                Packets.ipv6(LL_HOST0, "fe80::ff:fe00:aa00").hopLimit(64).icmpEchoReply(7, 1, Packets.fill(8, 1)).bytes()));
        assertPunted("port unreachable", fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, P0_ADDR2).hopLimit(64)
                .icmpv6Error(1, 4, 0, udp6Packet(P0_ADDR2, HOST0, 64, 4)).bytes()));
    }

    @Test
    public void ipv4ToOwnAddressMulticastAndNonIpArePunted() throws Exception {
        int src = Packets.ip4(HOST0_4);
        assertPunted("UDP over IPv4", fromHost0(Packets.ETH_IPV4,
                Packets.ipv4(src, Packets.ip4(P0_ADDR4)).id(3).ttl(64).payload(17, Packets.fill(20, 0)).bytes()));
        assertPunted("OSPFv2 hello", Packets.ethernet("01:00:5e:00:00:05", HOST0_MAC, Packets.ETH_IPV4,
                Packets.ipv4(src, Packets.ip4("224.0.0.5")).id(4).ttl(1).payload(89, Packets.fill(44, 2)).bytes()));
        assertPunted("LLDP", Packets.ethernet("01:80:c2:00:00:0e", HOST0_MAC, 0x88cc, Packets.fill(46, 3)));
        assertPunted("IS-IS over LLC to p0's MAC", Packets.ethernet(P0_MAC, HOST0_MAC, 0x0030,
                Packets.cat(Packets.bytes(0xfe, 0xfe, 0x03, 0x83), Packets.fill(42, 4))));
    }

    /** A flood to the port's address reaches the control plane at the punt rate at most; the rest is policed. */
    @Test
    public void whatIsPuntedIsPolicedAtThePuntRate() throws Exception {
        dp.mirrors().puntRate(5);
        int sent = 40;
        for (int i = 0; i < sent; i++) {
            p0.inject(fromHost0(Packets.ETH_IPV6, udp6Packet(HOST0, P0_ADDR, 64, 12)));
        }
        await("every frame punted or policed", () -> mirror().punted() + mirror().policed() == sent, 2000);
        long punted = mirror().punted();
        assertTrue("a burst of one second's worth (5), a few more as time passes: " + punted, punted >= 5 && punted < 15);
        assertEquals(sent - punted, mirror().policed());
        int got = 0;
        while (m0.poll(100) != null) {
            got++;
        }
        assertEquals("frames on the mirror", punted, got);
        dp.mirrors().puntRate(-1);
        assertPunted("no limit", fromHost0(Packets.ETH_IPV6, udp6Packet(HOST0, P0_ADDR, 64, 12)));
    }

    @Test
    public void echoIsAnsweredByTheApplianceAlone() throws Exception {
        p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, P0_ADDR, 64, 0x77, 1, 8)));
        assertEquals("echo reply", 129, poll(p0)[54] & 0xff);
        p0.inject(fromHost0(Packets.ETH_IPV4, Packets.ipv4(HOST0_4, P0_ADDR4).id(9).ttl(64)
                .icmpEchoRequest(1, 1, Packets.fill(8, 0)).bytes()));
        assertEquals("IPv4 echo reply", 0, poll(p0)[34] & 0xff);
        assertNothingSent(m0, 100);
        assertEquals(0, mirror().punted());
    }

    @Test
    public void neighborSolicitationIsAnsweredAndACopyPunted() throws Exception {
        byte[] t = Packets.ip6(P0_ADDR);
        byte[] ns = Packets.ipv6(HOST0, "ff02::1:ff00:1").hopLimit(255).icmpv6(135, 0,
                Packets.cat(Packets.u32(0), t, Packets.bytes(1, 1), Packets.mac(HOST0_MAC))).bytes();
        byte[] frame = Packets.ethernet("33:33:ff:00:00:01", HOST0_MAC, Packets.ETH_IPV6, ns);
        p0.inject(frame);
        assertEquals("neighbor advertisement", 136, poll(p0)[54] & 0xff);
        assertFrame("the solicitation, as received", frame, poll(m0));
        // the host's advertisement (for the mirror's own solicitation) goes to both too
        byte[] na = Packets.ipv6(HOST0, P0_ADDR).hopLimit(255).icmpv6(136, 0,
                Packets.cat(Packets.u32(0x6000_0000), Packets.ip6(HOST0), Packets.bytes(2, 1), Packets.mac(HOST0_MAC))).bytes();
        byte[] naFrame = fromHost0(Packets.ETH_IPV6, na);
        p0.inject(naFrame);
        assertFrame("the advertisement", naFrame, poll(m0));
        assertNothingSent(p0, 50);
        assertEquals(2, mirror().punted());
    }

    @Test
    public void arpRequestIsAnsweredAndACopyPunted() throws Exception {
        byte[] arp = Packets.cat(Packets.arp(1, HOST0_MAC, HOST0_4, "00:00:00:00:00:00", P0_ADDR4), new byte[18]);
        byte[] frame = Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST0_MAC, Packets.ETH_ARP, arp);
        p0.inject(frame);
        assertEquals("ARP reply", 2, Packets.u16(poll(p0), 20));
        assertFrame("the request, padding and all", frame, poll(m0));
    }

    @Test
    public void forwardedAndForeignTrafficIsNotPunted() throws Exception {
        p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, HOST1, 64, 0x55, 1, 8)));
        poll(p1);
        long before = drop(DropReason.NOT_FOR_US);
        p0.inject(fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, "2001:db8::1:ff00:99").hopLimit(255)
                .icmpv6(135, 0, Packets.cat(Packets.u32(0), Packets.ip6("2001:db8::99"))).bytes()));
        p0.inject(Packets.ethernet("02:00:00:00:99:99", HOST0_MAC, Packets.ETH_IPV6, udp6Packet(HOST0, P0_ADDR, 64, 4)));
        awaitDrop(DropReason.NOT_FOR_US, before + 1);
        assertNothingSent(m0, 100);
        assertEquals(0, mirror().punted());
    }

    @Test
    public void whatTheMirrorSendsLeavesThroughThePortUnchanged() throws Exception {
        byte[] frame = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(P0_ADDR, HOST0).hopLimit(64).udp(5000, 6000, Packets.fill(30, 7)).bytes());
        byte[] hello = Packets.ethernet("33:33:00:00:00:05", P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6("fe80::ff:fe00:aa00", "ff02::5").hopLimit(1).payload(89, Packets.fill(40, 6)).bytes());
        m0.inject(frame);
        m0.inject(hello);
        assertFrame("UDP from the control plane", frame, poll(p0));
        assertFrame("OSPFv3 hello from the control plane", hello, poll(p0));
        await("injected = 2", () -> mirror().injected() == 2, 2000);
        assertNothingSent(m0, 50);
    }

    @Test
    public void withoutTheMirrorNothingIsPuntedAgain() throws Exception {
        dp.mirrors().delete("p0");
        assertTrue(dp.mirrors().list().isEmpty());
        long before = drop(DropReason.NOT_FOR_US);
        p0.inject(Packets.ethernet("33:33:00:00:00:05", HOST0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(LL_HOST0, "ff02::5").hopLimit(1).payload(89, Packets.fill(40, 5)).bytes()));
        awaitDrop(DropReason.NOT_FOR_US, before + 1);
        p0.inject(fromHost0(Packets.ETH_IPV6, udp6Packet(HOST0, P0_ADDR, 64, 12)));
        assertEquals("port unreachable again", 1, poll(p0)[54] & 0xff);
        assertNothingSent(m0, 50);
    }

    @Test
    public void aSecondMirrorOfThePortIsRefusedAndTheMirrorGoesWithItsPort() throws Exception {
        try {
            dp.mirrors().attach("p0", dp.runtime().openMemory(-1, "m1"), "lc-unit", "cp1");
            throw new AssertionError("second mirror accepted");
        } catch (DataplaneException e) {
            assertEquals("port p0 is mirrored already (as cp0 in lc-unit); srv6:lcp del p0 first", e.getMessage());
        }
        try {
            dp.mirrors().attach("p1", dp.runtime().openMemory(-1, "m2"), "lc-unit", "cp0");
            throw new AssertionError("same interface name accepted");
        } catch (DataplaneException e) {
            assertEquals("interface cp0 in lc-unit mirrors port p0 already; expected another name IFNAME", e.getMessage());
        }
        dp.ports().delete("p0");
        assertTrue(dp.mirrors().list().isEmpty());
    }
}
