package org.srv6.appliance.testkit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.srv6.appliance.testkit.Packets.PROTO_UDP;
import static org.srv6.appliance.testkit.Packets.unhex;

import org.junit.Test;

/** The builder against packets written out byte by byte (those the behavior tests used before). */
public class PacketsTest {
    static final String A1 = "fc000000000000000000000000000001";
    static final String A2 = "fc000000000000000000000000000002";
    static final String S1 = "fc000000000000000000000000000011";
    static final String S2 = "fc000000000000000000000000000012";
    static final String TUNSRC = "fc0000000000000000000000000000aa";

    @Test
    public void ipv6WithSrhTagAndPadNTlv() {
        String want = "60000000" + "0048" + "2b" + "40" + A1 + "fc000000000000000000000000000100"
                + "11" + "07" + "04" + "02" + "02" + "00" + "1234"
                + "fc000000000000000000000000000003" + "fc000000000000000000000000000002"
                + "fc000000000000000000000000000100" + "0406000000000000" + "0001000200080000";
        String got = Packets.ipv6("fc00::1", "fc00::100")
                .srh(Packets.srh(2).segments("fc00::3", "fc00::2", "fc00::100").tag(0x1234).tlvs(Packets.padN(8)))
                .payload(PROTO_UDP, unhex("0001000200080000")).hex();
        assertEquals(want, got);
    }

    @Test
    public void srhPathIsStoredInReverse() {
        String want = "60000000" + "003c" + "2b" + "40" + A1 + S1 + "1106040202000000" + A2 + S2 + S1 + "01020304";
        assertEquals(want, Packets.ipv6("fc00::1", "fc00::11").srh(2, "fc00::11", "fc00::12", "fc00::2")
                .payload(PROTO_UDP, Packets.bytes(1, 2, 3, 4)).hex());
    }

    @Test
    public void overriddenPayloadLengthAndNextHeader() {
        String want = "60000000" + "0048" + "2b" + "40" + A1 + "fc000000010002000300000000000000" + "0001000200080000";
        assertEquals(want, Packets.ipv6("fc00::1", "fc00:0:100:200:300::").nextHeader(43).payloadLength(0x48)
                .payload(PROTO_UDP, unhex("0001000200080000")).hex());
    }

    @Test
    public void trafficClassFlowLabelAndInnerPacket() {
        String inner = "6a1234560004113f" + A1 + A2 + "01020304";
        String want = "6a123456" + "0054" + "2b" + "3f" + TUNSRC + S1 + "2904040101000000" + S2 + S1 + inner;
        Ipv6Builder in = Packets.ipv6("fc00::1", "fc00::2").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .payload(PROTO_UDP, Packets.bytes(1, 2, 3, 4));
        assertEquals(inner, in.hex());
        assertEquals(want, Packets.ipv6("fc00::aa", "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(1, "fc00::11", "fc00::12").ipv6(in).hex());
    }

    @Test
    public void ipv4HeaderChecksum() {
        // The example header of the IPv4 header checksum article: checksum b861.
        byte[] p = Packets.ipv4("192.168.0.1", "192.168.0.199").flagsFrag(0x4000).payload(PROTO_UDP, new byte[95])
                .bytes();
        assertEquals("450000730000400040" + "11b861c0a80001c0a800c7", Packets.hex(Packets.slice(p, 0, 20)));
        assertEquals("45000018000000000511" + "000a" + "0a0000010a00000201020304",
                Packets.ipv4("10.0.0.1", "10.0.0.2").ttl(5).checksum(0x000a).payload(PROTO_UDP, Packets.bytes(1, 2, 3, 4))
                        .hex());
        byte[] computed = Packets.ipv4("10.0.0.1", "10.0.0.2").ttl(5).payload(PROTO_UDP, Packets.bytes(1, 2, 3, 4)).bytes();
        assertEquals(Packets.ipv4Checksum(computed, 0), Packets.u16(computed, 10));
    }

    @Test
    public void icmpv6AndUdpChecksumsVerifyOverTheFinalDestination() {
        byte[] echo = Packets.ipv6("fc00::1", "fc00::2").icmpEchoRequest(7, 1, Packets.fill(13, 3)).bytes();
        assertTrue(Packets.upperChecksumOk6(echo, 0, 40, Packets.PROTO_ICMPV6));
        byte[] udp = Packets.ipv6("fc00::1", "fc00::2").udp(1000, 2000, Packets.fill(9, 1)).bytes();
        assertTrue(Packets.upperChecksumOk6(udp, 0, 40, PROTO_UDP));
        // With an SRH the pseudo-header carries Segment List[0] (RFC 8200 §8.1), as after the last endpoint.
        byte[] viaSrh = Packets.ipv6("fc00::1", "fc00::e").srh(1, "fc00::e", "fc00::f")
                .icmpEchoRequest(7, 1, Packets.fill(8, 0)).bytes();
        byte[] arrived = Packets.cat(Packets.slice(viaSrh, 0, 24), Packets.ip6("fc00::f"), Packets.slice(viaSrh, 40, viaSrh.length - 40));
        assertTrue(Packets.upperChecksumOk6(arrived, 0, 40 + 40, Packets.PROTO_ICMPV6));
        assertEquals(Packets.hex(Packets.icmpv6Echo(128, "fc00::1", "fc00::f", 7, 1, Packets.fill(8, 0))),
                Packets.hex(Packets.slice(viaSrh, 80, viaSrh.length - 80)));
    }

    @Test
    public void udpOverIpv4VerifiesAndZeroIsSentAsAllOnes() {
        byte[] p = Packets.ipv4("10.0.0.1", "10.0.0.2").udp(53, 53, Packets.fill(5, 2)).bytes();
        long s = Packets.sum(p, 12, 8, 0) + PROTO_UDP + (p.length - 20);
        assertEquals(0, Packets.fold(Packets.sum(p, 20, p.length - 20, s)));
    }

    @Test
    public void optionsArePaddedToEightBytes() {
        byte[] p = Packets.ipv6("fc00::1", "fc00::2").options(Packets.PROTO_DSTOPTS, Packets.bytes(0x1e, 1, 0))
                .payload(Packets.PROTO_NONE, new byte[0]).bytes();
        assertEquals("3b00" + "1e0100" + "010100", Packets.hex(Packets.slice(p, 40, 8)));
        assertEquals(Packets.PROTO_DSTOPTS, p[6]);
        assertEquals(8, Packets.u16(p, 4));
    }

    @Test
    public void ethernetFrame() {
        byte[] f = Packets.ipv6("fc00::1", "fc00::2").frame("02:00:00:00:00:02", "02:00:00:00:00:01");
        assertEquals("020000000002" + "020000000001" + "86dd", Packets.hex(Packets.slice(f, 0, 14)));
        assertEquals(Packets.ETH_IPV6, Packets.ethertype(f));
    }

    @Test
    public void arpRequest() {
        assertEquals("0001080006040001" + "020000000001" + "0a000001" + "000000000000" + "0a000002",
                Packets.hex(Packets.arp(1, "02:00:00:00:00:01", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")));
    }

    @Test
    public void macAndArpFromNumbers() {
        assertEquals("020000000a0b", Packets.hex(Packets.mac(0x02_00_00_00_0a_0bL)));
        assertEquals("0001080006040002" + "02000000000a" + "0a010003" + "020000000002" + "0a010001",
                Packets.hex(Packets.arp(2, 0x02_00_00_00_00_0aL, 0x0a_01_00_03, 0x02_00_00_00_00_02L, 0x0a_01_00_01)));
    }
}
