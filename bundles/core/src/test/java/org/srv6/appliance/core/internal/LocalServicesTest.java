package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;

/** What the appliance answers itself: NDP (RFC 4861), ARP (RFC 826), echo (RFC 4443, RFC 792). */
public class LocalServicesTest extends DataplaneTestSupport {

    /** An NS from host0 for p0's address, to the solicited-node group, with its link-layer address. */
    private static byte[] solicitation(String target) {
        byte[] t = Pkt.a6(target);
        String group = String.format("ff02::1:ff%02x:%02x%02x", t[13] & 0xff, t[14] & 0xff, t[15] & 0xff);
        byte[] ns = Pkt.ip6icmp(255, HOST0, group, 135, 0,
                Pkt.cat(Pkt.u32(0), t, Pkt.bytes(1, 1), Pkt.mac(HOST0_MAC)));
        byte[] gm = Pkt.cat(Pkt.bytes(0x33, 0x33, 0xff), Pkt.slice(t, 13, 3));
        return Pkt.cat(gm, Pkt.mac(HOST0_MAC), Pkt.u16(Pkt.ETH_IPV6), ns);
    }

    @Test
    public void neighborSolicitationForOwnAddressIsAnsweredWithSolicitedOverrideRouterAdvertisement() throws Exception {
        p0.inject(solicitation(P0_ADDR));
        byte[] na = poll(p0);
        // Computed outside the appliance: Ethernet to the requester, from the port MAC; IPv6 from
        // the target to the solicitation's source, hop limit 255; NA flags R,S,O; target
        // link-layer option = p0's MAC; checksum over the pseudo-header.
        assertFrame("neighbor advertisement", Pkt.unhex("02000000000202000000aa0086dd6000000000203aff"
                + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
                + "88006073e0000000" + "20010db8000000000000000000000001" + "020102000000aa00"), na);
        assertTrue("ICMPv6 checksum", Pkt.upperChecksumOk6(na, 14, 54));
        assertNothingSent(p0, 100);
    }

    @Test
    public void neighborSolicitationForForeignAddressIsIgnoredAndCountedNotForUs() throws Exception {
        long before = drop(DropReason.NOT_FOR_US);
        p0.inject(solicitation("2001:db8::99"));
        awaitDrop(DropReason.NOT_FOR_US, before + 1);
        assertNothingSent(p0, 200);
        assertNothingSent(p1, 0);
    }

    @Test
    public void arpRequestForOwnAddressIsAnswered() throws Exception {
        byte[] arp = Pkt.cat(Pkt.unhex("0001080006040001"), Pkt.mac(HOST0_MAC), Pkt.u32(Pkt.a4(HOST0_4)),
                new byte[6], Pkt.u32(Pkt.a4(P0_ADDR4)), new byte[18]); // padded to 60 bytes as on the wire
        p0.inject(Pkt.eth("ff:ff:ff:ff:ff:ff", HOST0_MAC, Pkt.ETH_ARP, arp));
        assertFrame("ARP reply", Pkt.unhex("02000000000202000000aa000806"
                + "000108000604000202000000aa000a0000010200000000020a000002"), poll(p0));
        assertNothingSent(p0, 100);
    }

    @Test
    public void echoRequestToPortAddressIsAnsweredFromThatAddress() throws Exception {
        // The port's second address: the reply must come from the address pinged.
        byte[] body = Pkt.cat(Pkt.u16(0x4242), Pkt.u16(7), Pkt.fill(56, 9));
        byte[] req = Pkt.ipv6(0x28, 0, 58, 33, Pkt.a6(HOST0), Pkt.a6(P0_ADDR2),
                Pkt.icmp6(HOST0, P0_ADDR2, 128, 0, body));
        p0.inject(fromHost0(Pkt.ETH_IPV6, req));
        byte[] reply = poll(p0);
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV6, Pkt.ipv6(0x28, 0, 58, 64, Pkt.a6(P0_ADDR2),
                Pkt.a6(HOST0), Pkt.icmp6(P0_ADDR2, HOST0, 129, 0, body)));
        assertFrame("echo reply (src = address pinged, hop limit 64, traffic class copied)", expected, reply);
        assertTrue("ICMPv6 checksum", Pkt.upperChecksumOk6(reply, 14, 54));
    }

    @Test
    public void ipv4EchoRequestToPortAddressIsAnsweredWithValidChecksums() throws Exception {
        byte[] body = Pkt.cat(Pkt.u16(0x0102), Pkt.u16(3), Pkt.fill(32, 1));
        int src = Pkt.a4(HOST0_4);
        int dst = Pkt.a4(P0_ADDR4);
        p0.inject(fromHost0(Pkt.ETH_IPV4, Pkt.ipv4(0, 0x1234, 0, 17, 1, src, dst, Pkt.icmp4(8, 0, body))));
        byte[] reply = poll(p0);
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV4,
                Pkt.ipv4(0, 0x1234, 0, 64, 1, dst, src, Pkt.icmp4(0, 0, body)));
        assertFrame("IPv4 echo reply", expected, reply);
        assertEquals("IPv4 header checksum", Pkt.ipv4Checksum(reply, 14), Pkt.u16(reply, 24));
        assertEquals("ICMP checksum", 0, Pkt.fold(Pkt.sum(reply, 34, reply.length - 34, 0)));
    }

    private static final String P0_LINK_LOCAL = "fe80::ff:fe00:aa00";

    /** RFC 4861 §7.2.4: NUD probes come unicast to the address itself. */
    @Test
    public void unicastNeighborSolicitationIsAnswered() throws Exception {
        byte[] ns = Pkt.ip6icmp(255, HOST0, P0_ADDR, 135, 0,
                Pkt.cat(Pkt.u32(0), Pkt.a6(P0_ADDR), Pkt.bytes(1, 1), Pkt.mac(HOST0_MAC)));
        p0.inject(fromHost0(Pkt.ETH_IPV6, ns));
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV6, Pkt.ip6icmp(255, P0_ADDR, HOST0, 136, 0,
                Pkt.cat(Pkt.u32(0xe0000000), Pkt.a6(P0_ADDR), Pkt.bytes(2, 1), Pkt.mac(P0_MAC))));
        assertFrame("neighbor advertisement", expected, poll(p0));
    }

    @Test
    public void neighborSolicitationForLinkLocalAddressIsAnswered() throws Exception {
        byte[] na = solicitationAnswer(solicitation(P0_LINK_LOCAL));
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV6, Pkt.ip6icmp(255, P0_LINK_LOCAL, HOST0, 136, 0,
                Pkt.cat(Pkt.u32(0xe0000000), Pkt.a6(P0_LINK_LOCAL), Pkt.bytes(2, 1), Pkt.mac(P0_MAC))));
        assertFrame("neighbor advertisement for fe80::ff:fe00:aa00", expected, na);
    }

    private byte[] solicitationAnswer(byte[] frame) throws Exception {
        p0.inject(frame);
        return poll(p0);
    }

    /** RFC 4861 §7.2.4: a solicitation from :: (duplicate address detection) is answered to all-nodes, S clear. */
    @Test
    public void duplicateAddressDetectionSolicitationIsAnsweredToAllNodes() throws Exception {
        byte[] ns = Pkt.ip6icmp(255, "::", "ff02::1:ff00:1", 135, 0, Pkt.cat(Pkt.u32(0), Pkt.a6(P0_ADDR)));
        p0.inject(Pkt.eth("33:33:ff:00:00:01", HOST0_MAC, Pkt.ETH_IPV6, ns));
        byte[] expected = Pkt.eth("33:33:00:00:00:01", P0_MAC, Pkt.ETH_IPV6, Pkt.ip6icmp(255, P0_ADDR, "ff02::1", 136,
                0, Pkt.cat(Pkt.u32(0xa0000000), Pkt.a6(P0_ADDR), Pkt.bytes(2, 1), Pkt.mac(P0_MAC))));
        assertFrame("advertisement to all nodes, flags R,O", expected, poll(p0));
    }

    @Test
    public void udpToPortAddressGetsPortUnreachable() throws Exception {
        byte[] pkt = udp6Packet(HOST0, P0_ADDR, 64, 12);
        p0.inject(fromHost0(Pkt.ETH_IPV6, pkt));
        assertFrame("Destination Unreachable code 4", icmp6ErrorToHost0(P0_ADDR, 1, 4, 0, pkt), poll(p0));
    }

    @Test
    public void ipv4UdpToPortAddressGetsPortUnreachable() throws Exception {
        int src = Pkt.a4(HOST0_4);
        byte[] pkt = Pkt.ipv4(0, 3, 0, 64, 17, src, Pkt.a4(P0_ADDR4), Pkt.fill(20, 0));
        p0.inject(fromHost0(Pkt.ETH_IPV4, pkt));
        byte[] expected = Pkt.eth(HOST0_MAC, P0_MAC, Pkt.ETH_IPV4, Pkt.ipv4(0, 0, 0, 64, 1, Pkt.a4(P0_ADDR4), src,
                Pkt.icmp4(3, 3, Pkt.cat(Pkt.u32(0), pkt))));
        assertFrame("ICMP port unreachable", expected, poll(p0));
    }

    @Test
    public void downPortDropsWhatItReceives() throws Exception {
        dp.ports().setUp("p0", false);
        p0.inject(fromHost0(Pkt.ETH_IPV6, echoRequest6(HOST0, P0_ADDR, 64, 1, 1, 8)));
        awaitDrop(DropReason.PORT_DOWN, 1);
        assertNothingSent(p0, 100);
        dp.ports().setUp("p0", true);
        assertStillAnswers();
    }

    /**
     * RFC 4861 §7.1.1 (a node MUST silently discard an NS whose ICMP checksum is not valid) and
     * RFC 4443 §2.3 / Linux icmpv6_rcv: ICMPv6 with a bad checksum is not answered, nothing learned.
     */
    @Test
    public void icmpv6WithBadChecksumIsNotAnswered() throws Exception {
        String stranger = "2001:db8::7";
        String strangerMac = "02:00:00:00:00:07";
        byte[] ns = Pkt.ip6icmp(255, stranger, "ff02::1:ff00:1", 135, 0,
                Pkt.cat(Pkt.u32(0), Pkt.a6(P0_ADDR), Pkt.bytes(1, 1), Pkt.mac(strangerMac)));
        ns[40 + 2] ^= 0x5a;
        p0.inject(Pkt.eth("33:33:ff:00:00:01", strangerMac, Pkt.ETH_IPV6, ns));
        byte[] echo = echoRequest6(HOST0, P0_ADDR, 64, 0x3333, 1, 8);
        echo[40 + 3] ^= 0x5a;
        p0.inject(fromHost0(Pkt.ETH_IPV6, echo));
        assertNothingSent(p0, 300);
        assertTrue("nothing learned from the bad solicitation: " + dp.neighbors().list(6),
                dp.neighbors().list(6).stream().noneMatch(n -> n.address().equals(stranger)));
    }

    /** {@code ping ff02::1%p0} and {@code ping -s 0 ff02::1%p0}: both answered, like a Linux node. */
    @Test
    public void echoToAllNodesIsAnsweredWhateverItsSize() throws Exception {
        for (int data : new int[] {56, 0}) {
            byte[] req = echoRequest6(HOST0, "ff02::1", 64, 0x4444, data, data);
            p0.inject(Pkt.eth("33:33:00:00:00:01", HOST0_MAC, Pkt.ETH_IPV6, req));
            byte[] r = p0.poll(1000);
            assertTrue("no reply to an all-nodes echo with " + data + " data bytes", r != null);
            assertEquals("echo reply", 129, r[54] & 0xff);
            assertFrame("to host0", Pkt.a6(HOST0), Pkt.slice(r, 14 + 24, 16));
            assertFrame("identifier, sequence, data", Pkt.slice(req, 44, req.length - 44), Pkt.slice(r, 58, r.length - 58));
            assertTrue("ICMPv6 checksum", Pkt.upperChecksumOk6(r, 14, 54));
        }
    }
}
