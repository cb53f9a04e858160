package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SteerInfo;
import org.srv6.appliance.behavior.tencaps.internal.TEncapsBehavior;
import org.srv6.appliance.behavior.tencapsred.internal.TEncapsRedBehavior;
import org.srv6.appliance.behavior.tencapsl2.internal.TEncapsL2Behavior;
import org.srv6.appliance.behavior.tencapsl2red.internal.TEncapsL2RedBehavior;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * Steering by incoming port ({@code ip sr steer}) with the real transit behaviors: frames in on
 * p0, the exact frames out on p1 toward the SIDs (fc00:e::/48 via host1).
 */
public class SteeringTest extends DataplaneTestSupport {
    private static final String TUNSRC = "fc00:aa::1";
    private static final String FOREIGN_MAC = "02:00:00:00:99:99";

    @Before
    public void behaviors() throws Exception {
        dp.behaviors().addProvider(new Provider("encap", "TRANSIT", new TEncapsBehavior(), 11, 0, 11, "t.encap", "1.0.0"));
        dp.behaviors().addProvider(new Provider("encap.red", "TRANSIT", new TEncapsRedBehavior(), 14, 0, 14,
                "t.encap.red", "1.0.0"));
        dp.behaviors().addProvider(new Provider("l2encap", "TRANSIT", new TEncapsL2Behavior(), 12, 0, 12,
                "t.l2encap", "1.0.0"));
        dp.behaviors().addProvider(new Provider("l2encap.red", "TRANSIT", new TEncapsL2RedBehavior(), 13, 0, 13,
                "t.l2encap.red", "1.0.0"));
        dp.sr().setTunnelSource(TUNSRC);
        dp.routes().add(new RouteSpec(6, "fc00:e::/48", HOST1, "p1", 254, 0, null, null, null));
    }

    /** The frame p1 sends host1 with {@code outer} (hop limit already the one after forwarding). */
    private static byte[] toHost1(Ipv6Builder outer) {
        return Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, outer.bytes());
    }

    private static Ipv6Builder outer2(int hopLimit, byte[] frame) {
        return Packets.ipv6(TUNSRC, "fc00:e::1").srh(1, "fc00:e::1", "fc00:e::2").hopLimit(hopLimit)
                .payload(143, frame);
    }

    private SteerInfo steering() {
        List<SteerInfo> all = dp.sr().steering();
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    public void l2encapCarriesEveryFrameWholeWhateverItsTypeAndDestination() throws Exception {
        dp.sr().addSteer("p0", "l2encap", List.of("segs", "fc00:e::1,fc00:e::2"));
        assertEquals(List.of("iif p0 mode l2encap segs fc00:e::1,fc00:e::2"), dp.sr().steers());
        byte[] arp = Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST0_MAC, Packets.ETH_ARP,
                Packets.cat(Packets.arp(1, HOST0_MAC, HOST0_4, "00:00:00:00:00:00", P0_ADDR4), new byte[18]));
        byte[] foreign = Packets.ethernet(FOREIGN_MAC, HOST0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST0, "2001:db8:99::2").trafficClass(0x2e).flowLabel(0x12345).hopLimit(17)
                        .udp(1, 2, Packets.fill(5, 1)).bytes());
        byte[] toUs4 = fromHost0(Packets.ETH_IPV4, Packets.ipv4(HOST0_4, P0_ADDR4).ttl(9)
                .udp(3, 4, Packets.fill(3, 2)).bytes());
        byte[] ns = Packets.ethernet("33:33:ff:00:00:01", HOST0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST0, "ff02::1:ff00:1").hopLimit(255).icmpv6(135, 0,
                        Packets.cat(new byte[4], Packets.ip6(P0_ADDR))).bytes());
        byte[] lldp = Packets.ethernet("01:80:c2:00:00:0e", HOST0_MAC, 0x88cc, Packets.fill(46, 7));
        p0.inject(arp);
        assertFrame("ARP broadcast", toHost1(outer2(63, arp)), poll(p1));
        p0.inject(foreign);
        assertFrame("IPv6 to a foreign MAC", toHost1(outer2(16, foreign).trafficClass(0x2e).flowLabel(0x12345)),
                poll(p1));
        p0.inject(toUs4);
        assertFrame("IPv4 to the port's own address", toHost1(outer2(63, toUs4)), poll(p1));
        p0.inject(ns);
        assertFrame("neighbor solicitation for the port's address", toHost1(outer2(254, ns)), poll(p1));
        p0.inject(lldp);
        assertFrame("LLDP", toHost1(outer2(63, lldp)), poll(p1));
        // RFC 8986 §5.3: the frame "and its attached VLAN header, if present"
        byte[] tagged = Packets.ethernet(FOREIGN_MAC, HOST0_MAC, 0x8100, Packets.cat(Packets.u16(0x2064),
                Packets.u16(Packets.ETH_IPV6), Packets.ipv6(HOST0, "2001:db8:99::3").hopLimit(5)
                        .udp(1, 2, Packets.fill(4, 4)).bytes()));
        p0.inject(tagged);
        assertFrame("802.1Q tagged frame", toHost1(outer2(63, tagged)), poll(p1));
        assertNothingSent(p0, 100); // the appliance answers nothing on an attachment circuit
        SteerInfo s = steering();
        assertEquals(6, s.packets());
        assertEquals(arp.length + foreign.length + toUs4.length + ns.length + lldp.length + tagged.length - 6 * 14,
                s.bytes());
        assertEquals(0, s.drops());
        assertTrue(s.active());
    }

    /**
     * A full-size frame no longer fits the core port once encapsulated: as the kernel's forwarding of
     * the outer packet, it is dropped and counted (the Packet Too Big goes to the tunnel source, the
     * appliance itself); nothing goes back to the attachment circuit. Smaller frames keep flowing.
     */
    @Test
    public void frameTooBigOnceEncapsulatedIsDroppedAndCounted() throws Exception {
        dp.sr().setTunnelSource(P1_ADDR);
        dp.sr().addSteer("p0", "l2encap", List.of("segs", "fc00:e::1"));
        byte[] big = Packets.ethernet(FOREIGN_MAC, HOST0_MAC, 0x88b5, Packets.fill(1500, 9));
        p0.inject(big);
        awaitDrop(org.srv6.appliance.api.behavior.DropReason.MTU_EXCEEDED, 1);
        assertNothingSent(p1, 100);
        assertNothingSent(p0, 0);
        byte[] small = Packets.ethernet(FOREIGN_MAC, HOST0_MAC, 0x88b5, Packets.fill(1500 - 40 - 24 - 14, 9));
        p0.inject(small);
        assertFrame("the largest frame that fits", toHost1(Packets.ipv6(P1_ADDR, "fc00:e::1").srh(0, "fc00:e::1")
                .hopLimit(63).payload(143, small)), poll(p1));
        assertEquals(2, steering().packets());
    }

    @Test
    public void l2encapRedWithOneSegmentPushesNoSrh() throws Exception {
        dp.sr().addSteer("p0", "l2encap.red", List.of("segs", "fc00:e::7"));
        byte[] arp = Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST0_MAC, Packets.ETH_ARP,
                Packets.arp(1, HOST0_MAC, HOST0_4, "00:00:00:00:00:00", "10.0.0.77"));
        p0.inject(arp);
        assertFrame("ARP under a bare outer header",
                toHost1(Packets.ipv6(TUNSRC, "fc00:e::7").hopLimit(63).payload(143, arp)), poll(p1));
        byte[] foreign = Packets.ethernet(FOREIGN_MAC, HOST0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST0, "2001:db8:99::2").hopLimit(2).udp(1, 2, Packets.fill(5, 1)).bytes());
        p0.inject(foreign);
        assertFrame("IPv6 to a foreign MAC",
                toHost1(Packets.ipv6(TUNSRC, "fc00:e::7").hopLimit(1).payload(143, foreign)), poll(p1));
        assertNothingSent(p0, 50);
        assertEquals(2, steering().packets());
    }

    @Test
    public void l2encapRedWithThreeSegmentsLeavesTheFirstOutOfTheList() throws Exception {
        dp.sr().addSteer("p0", "l2encap.red", List.of("tunsrc", "fc00:bb::1", "segs", "fc00:e::1,fc00:e::2,fc00:e::3"));
        assertEquals(List.of("iif p0 mode l2encap.red tunsrc fc00:bb::1 segs fc00:e::1,fc00:e::2,fc00:e::3"),
                dp.sr().steers());
        byte[] frame = Packets.ethernet(FOREIGN_MAC, HOST0_MAC, 0x88b5, Packets.fill(50, 4));
        p0.inject(frame);
        assertFrame("reduced SRH", toHost1(Packets.ipv6("fc00:bb::1", "fc00:e::1")
                .srh(Packets.srh(2).segments("fc00:e::3", "fc00:e::2")).hopLimit(63).payload(143, frame)), poll(p1));
    }

    @Test
    public void encapSteersForeignPacketsAndStillAnswersArpNdpAndEcho() throws Exception {
        dp.sr().addSteer("p0", "encap", List.of("segs", "fc00:e::1,fc00:e::2"));
        byte[] pkt = Packets.ipv6(HOST0, "2001:db8:99::1").trafficClass(0x10).flowLabel(0x777).hopLimit(40)
                .udp(5, 6, Packets.fill(8, 3)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("IPv6 encapsulated", toHost1(Packets.ipv6(TUNSRC, "fc00:e::1").srh(1, "fc00:e::1", "fc00:e::2")
                .trafficClass(0x10).flowLabel(0x777).hopLimit(39).payload(41, pkt)), poll(p1));
        byte[] pkt4 = Packets.ipv4(HOST0_4, "192.0.2.9").ttl(12).udp(5, 6, Packets.fill(8, 3)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt4));
        assertFrame("IPv4 encapsulated", toHost1(Packets.ipv6(TUNSRC, "fc00:e::1").srh(1, "fc00:e::1", "fc00:e::2")
                .hopLimit(63).payload(4, pkt4)), poll(p1));

        byte[] arp = Packets.cat(Packets.arp(1, HOST0_MAC, HOST0_4, "00:00:00:00:00:00", P0_ADDR4), new byte[18]);
        p0.inject(Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST0_MAC, Packets.ETH_ARP, arp));
        assertFrame("ARP reply", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_ARP,
                Packets.arp(2, P0_MAC, P0_ADDR4, HOST0_MAC, HOST0_4)), poll(p0));
        byte[] ns = Packets.ipv6(HOST0, "ff02::1:ff00:1").hopLimit(255).icmpv6(135, 0,
                Packets.cat(new byte[4], Packets.ip6(P0_ADDR))).bytes();
        p0.inject(Packets.ethernet("33:33:ff:00:00:01", HOST0_MAC, Packets.ETH_IPV6, ns));
        byte[] na = poll(p0);
        assertEquals("neighbor advertisement: " + Packets.hex(na), 136, na[14 + 40] & 0xff);
        assertStillAnswers();
        assertNothingSent(p1, 50);
        assertEquals(2, steering().packets());
    }

    @Test
    public void encapRedSteersWithTheReducedSrhAndStillAnswersArpAndEcho() throws Exception {
        dp.sr().addSteer("p0", "encap.red", List.of("segs", "fc00:e::1,fc00:e::2,fc00:e::3"));
        byte[] pkt = Packets.ipv6(HOST0, "2001:db8:99::1").trafficClass(0x10).flowLabel(0x777).hopLimit(40)
                .udp(5, 6, Packets.fill(8, 3)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("IPv6 under the reduced SRH", toHost1(Packets.ipv6(TUNSRC, "fc00:e::1")
                .srh(Packets.srh(2).segments("fc00:e::3", "fc00:e::2")).trafficClass(0x10).flowLabel(0x777)
                .hopLimit(39).payload(41, pkt)), poll(p1));
        byte[] pkt4 = Packets.ipv4(HOST0_4, "192.0.2.9").ttl(12).udp(5, 6, Packets.fill(8, 3)).bytes();
        dp.sr().deleteSteer("p0");
        dp.sr().addSteer("p0", "encap.red", List.of("segs", "fc00:e::5"));
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt4));
        assertFrame("IPv4 with one segment: no SRH",
                toHost1(Packets.ipv6(TUNSRC, "fc00:e::5").hopLimit(63).payload(4, pkt4)), poll(p1));
        byte[] arp = Packets.cat(Packets.arp(1, HOST0_MAC, HOST0_4, "00:00:00:00:00:00", P0_ADDR4), new byte[18]);
        p0.inject(Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST0_MAC, Packets.ETH_ARP, arp));
        assertFrame("ARP reply", Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_ARP,
                Packets.arp(2, P0_MAC, P0_ADDR4, HOST0_MAC, HOST0_4)), poll(p0));
        assertStillAnswers();
        assertNothingSent(p1, 50);
        assertEquals(1, steering().packets());
    }

    @Test
    public void frameToAForeignMacIsNotSteeredUnderEncap() throws Exception {
        dp.sr().addSteer("p0", "encap", List.of("segs", "fc00:e::1"));
        p0.inject(Packets.ethernet(FOREIGN_MAC, HOST0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST0, "2001:db8:99::1").udp(5, 6, Packets.fill(8, 3)).bytes()));
        awaitDrop(org.srv6.appliance.api.behavior.DropReason.NOT_FOR_US, 1);
        assertNothingSent(p1, 50);
        assertEquals(0, steering().packets());
    }

    @Test
    public void deletedSteeringGivesThePortBack() throws Exception {
        dp.sr().addSteer("p0", "l2encap", List.of("segs", "fc00:e::1"));
        dp.sr().deleteSteer("p0");
        assertEquals(List.of(), dp.sr().steers());
        assertStillAnswers();
        assertNothingSent(p1, 50);
    }

    @Test
    public void badSteeringCommandsChangeNothing() throws Exception {
        dp.sr().setHmacKey(5, "sha256", "k");
        dp.sr().addSteer("p0", "l2encap", List.of("segs", "fc00:e::1", "hmac", "5"));
        assertEquals("no such port p9; ports: p0, p1",
                assertThrows(DataplaneException.class, () -> dp.sr().addSteer("p9", "l2encap",
                        List.of("segs", "fc00:e::1"))).getMessage());
        assertEquals("unknown steering mode inline; expected encap, encap.red, l2encap, l2encap.red",
                assertThrows(DataplaneException.class, () -> dp.sr().addSteer("p1", "inline",
                        List.of("segs", "fc00:e::1"))).getMessage());
        dp.behaviors().removeProvider(14); // encap.red
        assertEquals("steering mode encap.red is not installed; installed: encap, l2encap, l2encap.red",
                assertThrows(DataplaneException.class, () -> dp.sr().addSteer("p1", "encap.red",
                        List.of("segs", "fc00:e::1"))).getMessage());
        StringBuilder many = new StringBuilder("fc00:e::1");
        for (int i = 2; i <= 128; i++) {
            many.append(",fc00:e::").append(Integer.toHexString(i));
        }
        assertEquals("l2encap: segs takes at most 127 segments",
                assertThrows(DataplaneException.class, () -> dp.sr().addSteer("p1", "l2encap",
                        List.of("segs", many.toString()))).getMessage());
        assertEquals("hmac key 6 is not set; expected ip sr hmac set 6 sha1|sha256 SECRET first",
                assertThrows(DataplaneException.class, () -> dp.sr().addSteer("p1", "l2encap",
                        List.of("segs", "fc00:e::1", "hmac", "6"))).getMessage());
        assertEquals("port p0 is already steered; ip sr steer del iif p0 first",
                assertThrows(DataplaneException.class, () -> dp.sr().addSteer("p0", "encap",
                        List.of("segs", "fc00:e::2"))).getMessage());
        assertEquals("port p1 is not steered",
                assertThrows(DataplaneException.class, () -> dp.sr().deleteSteer("p1")).getMessage());
        assertEquals(List.of("iif p0 mode l2encap segs fc00:e::1 hmac 5"), dp.sr().steers());
        // p1 still routes and answers as before
        p1.inject(fromHost1(Packets.ETH_IPV6, echoRequest6(HOST1, P1_ADDR, 64, 9, 1, 8)));
        assertEquals(129, poll(p1)[14 + 40] & 0xff);
        assertFalse(dp.sr().steering().isEmpty());
    }
}
