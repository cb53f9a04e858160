package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.testkit.Packets;

/** What the appliance answers itself: NDP (RFC 4861), ARP (RFC 826), echo (RFC 4443, RFC 792). */
public class LocalServicesTest extends DataplaneTestSupport {

    /** An NS from host0 for p0's address, to the solicited-node group, with its link-layer address. */
    private static byte[] solicitation(String target) {
        byte[] t = Packets.ip6(target);
        String group = String.format("ff02::1:ff%02x:%02x%02x", t[13] & 0xff, t[14] & 0xff, t[15] & 0xff);
        byte[] ns = Packets.ipv6(HOST0, group).hopLimit(255).icmpv6(135, 0,
                Packets.cat(Packets.u32(0), t, Packets.bytes(1, 1), Packets.mac(HOST0_MAC))).bytes();
        byte[] gm = Packets.cat(Packets.bytes(0x33, 0x33, 0xff), Packets.slice(t, 13, 3));
        return Packets.cat(gm, Packets.mac(HOST0_MAC), Packets.u16(Packets.ETH_IPV6), ns);
    }

    @Test
    public void neighborSolicitationForOwnAddressIsAnsweredWithSolicitedOverrideRouterAdvertisement() throws Exception {
        p0.inject(solicitation(P0_ADDR));
        byte[] na = poll(p0);
        // Computed outside the appliance: Ethernet to the requester, from the port MAC; IPv6 from
        // the target to the solicitation's source, hop limit 255; NA flags R,S,O; target
        // link-layer option = p0's MAC; checksum over the pseudo-header.
        assertFrame("neighbor advertisement", Packets.unhex("02000000000202000000aa0086dd6000000000203aff"
                + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
                + "88006073e0000000" + "20010db8000000000000000000000001" + "020102000000aa00"), na);
        assertTrue("ICMPv6 checksum", Packets.upperChecksumOk6(na, 14, 54, Packets.PROTO_ICMPV6));
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
        byte[] arp = Packets.cat(Packets.arp(1, HOST0_MAC, HOST0_4, "00:00:00:00:00:00", P0_ADDR4),
                new byte[18]); // padded to 60 bytes as on the wire
        p0.inject(Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST0_MAC, Packets.ETH_ARP, arp));
        assertFrame("ARP reply", Packets.unhex("02000000000202000000aa000806"
                + "000108000604000202000000aa000a0000010200000000020a000002"), poll(p0));
        assertNothingSent(p0, 100);
    }

    @Test
    public void echoRequestToPortAddressIsAnsweredFromThatAddress() throws Exception {
        // The port's second address: the reply must come from the address pinged.
        byte[] body = Packets.cat(Packets.u16(0x4242), Packets.u16(7), Packets.fill(56, 9));
        byte[] req = Packets.ipv6(HOST0, P0_ADDR2).trafficClass(0x28).hopLimit(33).icmpv6(128, 0, body).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, req));
        byte[] reply = poll(p0);
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(P0_ADDR2, HOST0).trafficClass(0x28).hopLimit(64).icmpv6(129, 0, body).bytes());
        assertFrame("echo reply (src = address pinged, hop limit 64, traffic class copied)", expected, reply);
        assertTrue("ICMPv6 checksum", Packets.upperChecksumOk6(reply, 14, 54, Packets.PROTO_ICMPV6));
    }

    @Test
    public void ipv4EchoRequestToPortAddressIsAnsweredWithValidChecksums() throws Exception {
        byte[] body = Packets.cat(Packets.u16(0x0102), Packets.u16(3), Packets.fill(32, 1));
        int src = Packets.ip4(HOST0_4);
        int dst = Packets.ip4(P0_ADDR4);
        p0.inject(fromHost0(Packets.ETH_IPV4, Packets.ipv4(src, dst).id(0x1234).ttl(17).icmp(8, 0, body).bytes()));
        byte[] reply = poll(p0);
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV4,
                Packets.ipv4(dst, src).id(0x1234).ttl(64).icmp(0, 0, body).bytes());
        assertFrame("IPv4 echo reply", expected, reply);
        assertEquals("IPv4 header checksum", Packets.ipv4Checksum(reply, 14), Packets.u16(reply, 24));
        assertEquals("ICMP checksum", 0, Packets.fold(Packets.sum(reply, 34, reply.length - 34, 0)));
    }

    private static final String P0_LINK_LOCAL = "fe80::ff:fe00:aa00";

    /** RFC 4861 §7.2.4: NUD probes come unicast to the address itself. */
    @Test
    public void unicastNeighborSolicitationIsAnswered() throws Exception {
        byte[] ns = Packets.ipv6(HOST0, P0_ADDR).hopLimit(255).icmpv6(135, 0,
                Packets.cat(Packets.u32(0), Packets.ip6(P0_ADDR), Packets.bytes(1, 1), Packets.mac(HOST0_MAC))).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, ns));
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(P0_ADDR, HOST0).hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0xe0000000),
                        Packets.ip6(P0_ADDR), Packets.bytes(2, 1), Packets.mac(P0_MAC))).bytes());
        assertFrame("neighbor advertisement", expected, poll(p0));
    }

    @Test
    public void neighborSolicitationForLinkLocalAddressIsAnswered() throws Exception {
        byte[] na = solicitationAnswer(solicitation(P0_LINK_LOCAL));
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6, Packets.ipv6(P0_LINK_LOCAL, HOST0)
                .hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0xe0000000), Packets.ip6(P0_LINK_LOCAL),
                        Packets.bytes(2, 1), Packets.mac(P0_MAC))).bytes());
        assertFrame("neighbor advertisement for fe80::ff:fe00:aa00", expected, na);
    }

    private byte[] solicitationAnswer(byte[] frame) throws Exception {
        p0.inject(frame);
        return poll(p0);
    }

    /** RFC 4861 §7.2.4: a solicitation from :: (duplicate address detection) is answered to all-nodes, S clear. */
    @Test
    public void duplicateAddressDetectionSolicitationIsAnsweredToAllNodes() throws Exception {
        byte[] ns = Packets.ipv6("::", "ff02::1:ff00:1").hopLimit(255)
                .icmpv6(135, 0, Packets.cat(Packets.u32(0), Packets.ip6(P0_ADDR))).bytes();
        p0.inject(Packets.ethernet("33:33:ff:00:00:01", HOST0_MAC, Packets.ETH_IPV6, ns));
        byte[] expected = Packets.ethernet("33:33:00:00:00:01", P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(P0_ADDR, "ff02::1").hopLimit(255).icmpv6(136, 0, Packets.cat(Packets.u32(0xa0000000),
                        Packets.ip6(P0_ADDR), Packets.bytes(2, 1), Packets.mac(P0_MAC))).bytes());
        assertFrame("advertisement to all nodes, flags R,O", expected, poll(p0));
    }

    @Test
    public void udpToPortAddressGetsPortUnreachable() throws Exception {
        byte[] pkt = udp6Packet(HOST0, P0_ADDR, 64, 12);
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("Destination Unreachable code 4", icmp6ErrorToHost0(P0_ADDR, 1, 4, 0, pkt), poll(p0));
    }

    @Test
    public void ipv4UdpToPortAddressGetsPortUnreachable() throws Exception {
        int src = Packets.ip4(HOST0_4);
        byte[] pkt = Packets.ipv4(src, Packets.ip4(P0_ADDR4)).id(3).ttl(64).payload(17, Packets.fill(20, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV4,
                Packets.ipv4(Packets.ip4(P0_ADDR4), src).ttl(64).icmp(3, 3, Packets.cat(Packets.u32(0), pkt)).bytes());
        assertFrame("ICMP port unreachable", expected, poll(p0));
    }

    @Test
    public void downPortDropsWhatItReceives() throws Exception {
        dp.ports().setUp("p0", false);
        p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, P0_ADDR, 64, 1, 1, 8)));
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
        byte[] ns = Packets.ipv6(stranger, "ff02::1:ff00:1").hopLimit(255).icmpv6(135, 0, Packets.cat(Packets.u32(0),
                Packets.ip6(P0_ADDR), Packets.bytes(1, 1), Packets.mac(strangerMac))).bytes();
        ns[40 + 2] ^= 0x5a;
        p0.inject(Packets.ethernet("33:33:ff:00:00:01", strangerMac, Packets.ETH_IPV6, ns));
        byte[] echo = echoRequest6(HOST0, P0_ADDR, 64, 0x3333, 1, 8);
        echo[40 + 3] ^= 0x5a;
        p0.inject(fromHost0(Packets.ETH_IPV6, echo));
        assertNothingSent(p0, 300);
        assertTrue("nothing learned from the bad solicitation: " + dp.neighbors().list(6),
                dp.neighbors().list(6).stream().noneMatch(n -> n.address().equals(stranger)));
    }

    /** {@code ping ff02::1%p0} and {@code ping -s 0 ff02::1%p0}: both answered, like a Linux node. */
    @Test
    public void echoToAllNodesIsAnsweredWhateverItsSize() throws Exception {
        for (int data : new int[] {56, 0}) {
            byte[] req = echoRequest6(HOST0, "ff02::1", 64, 0x4444, data, data);
            p0.inject(Packets.ethernet("33:33:00:00:00:01", HOST0_MAC, Packets.ETH_IPV6, req));
            byte[] r = p0.poll(1000);
            assertTrue("no reply to an all-nodes echo with " + data + " data bytes", r != null);
            assertEquals("echo reply", 129, r[54] & 0xff);
            assertFrame("to host0", Packets.ip6(HOST0), Packets.slice(r, 14 + 24, 16));
            assertFrame("identifier, sequence, data", Packets.slice(req, 44, req.length - 44),
                    Packets.slice(r, 58, r.length - 58));
            assertTrue("ICMPv6 checksum", Packets.upperChecksumOk6(r, 14, 54, Packets.PROTO_ICMPV6));
        }
    }
}
