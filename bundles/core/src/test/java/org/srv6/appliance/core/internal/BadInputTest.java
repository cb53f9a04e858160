package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Packets;

/**
 * Malformed input is dropped and counted under one reason, nothing is sent, nothing escapes the
 * engine, and the port keeps working. The SRH cases run through an End SID (SPEC D1-D3).
 */
public class BadInputTest extends DataplaneTestSupport {
    private static final String SID = "fc00::1";
    private static final String NEXT = "fc00::2";
    private TestEndBehavior end;

    @Before
    public void endSid() throws Exception {
        end = new TestEndBehavior();
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", end, 1, 0, 1, "test.end", "1.0.0"));
        dp.routes().add(new RouteSpec(6, SID + "/128", null, "p1", 254, 0, "seg6local", "End", List.of()));
        dp.routes().add(new RouteSpec(6, NEXT + "/128", HOST1, "p1", 254, 0, null, null, null));
    }

    /** Injects on p0, expects exactly one drop under {@code r}, nothing sent, p0 still answering. */
    private void assertDroppedAs(DropReason r, byte[] frame) throws Exception {
        Map<String, Long> before = dp.counters().drops();
        p0.inject(frame);
        awaitDrop(r, before.get(r.label()) + 1);
        Map<String, Long> after = new HashMap<>(dp.counters().drops());
        after.put(r.label(), before.get(r.label()));
        assertEquals("no other drop counter moved", before, after);
        assertNothingSent(p1, 50);
        assertStillAnswers();
    }

    /** Injects on p0, expects one ICMPv6 error to host0 and one drop under {@code r}. */
    private void assertAnsweredWithError(DropReason r, byte[] frame, byte[] expectedError) throws Exception {
        long before = drop(r);
        p0.inject(frame);
        assertFrame(r.label(), expectedError, poll(p0));
        assertEquals(r.label(), before + 1, drop(r));
        assertNothingSent(p1, 50);
        assertStillAnswers();
    }

    @Test
    public void ethernetShorterThan14BytesIsDroppedTruncated() throws Exception {
        assertDroppedAs(DropReason.TRUNCATED, Packets.slice(fromHost0(Packets.ETH_IPV6, new byte[0]), 0, 10));
    }

    @Test
    public void unknownEthertypeIsDroppedBadEthertype() throws Exception {
        assertDroppedAs(DropReason.BAD_ETHERTYPE, fromHost0(0x88b5, Packets.fill(46, 0)));
    }

    @Test
    public void ipv6ShorterThan40BytesIsDroppedTruncated() throws Exception {
        byte[] pkt = echoRequest6(HOST0, P0_ADDR, 64, 1, 1, 8);
        assertDroppedAs(DropReason.TRUNCATED, fromHost0(Packets.ETH_IPV6, Packets.slice(pkt, 0, 30)));
    }

    @Test
    public void ipv6PayloadLengthBeyondFrameIsDroppedTruncated() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(20, 0)).bytes();
        pkt[4] = 0;
        pkt[5] = 100; // 28 bytes follow the header
        assertDroppedAs(DropReason.TRUNCATED, fromHost0(Packets.ETH_IPV6, pkt));
    }

    @Test
    public void ipv4BadHeaderChecksumIsDroppedBadChecksum() throws Exception {
        byte[] pkt = Packets.ipv4(HOST0_4, HOST1_4).id(1).ttl(64).payload(17, Packets.fill(30, 0)).bytes();
        pkt[11] ^= 0x01;
        assertDroppedAs(DropReason.BAD_CHECKSUM, fromHost0(Packets.ETH_IPV4, pkt));
    }

    @Test
    public void ipv4TotalLengthBeyondFrameIsDroppedTruncated() throws Exception {
        byte[] whole = Packets.ipv4(HOST0_4, HOST1_4).id(1).ttl(64).payload(17, Packets.fill(80, 0)).bytes();
        // Header (checksum valid for total length 100) followed by only 30 of the 80 payload bytes.
        assertDroppedAs(DropReason.TRUNCATED, fromHost0(Packets.ETH_IPV4, Packets.slice(whole, 0, 50)));
    }

    @Test
    public void frameToAnotherUnicastMacIsDroppedNotForUs() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(20, 0)).bytes();
        assertDroppedAs(DropReason.NOT_FOR_US, Packets.ethernet("02:00:00:00:99:99", HOST0_MAC, Packets.ETH_IPV6, pkt));
    }

    /** Larger than any port accepts (14 + 9216 jumbo): dropped whole, nothing leaks, the port goes on. */
    @Test
    public void frameBiggerThanTheLargestJumboIsDroppedWithoutLeak() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, HOST1).hopLimit(64).udp(1, 2, Packets.fill(10_000, 0)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertNothingSent(p1, 200);
        assertStillAnswers();
        assertNoLeakReported(1500);
    }

    // ------------------------------------------------------------------ SRH

    @Test
    public void srhTruncatedByTheFrameIsDroppedTruncated() throws Exception {
        // Next Header says routing header, but only two of its bytes are there.
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).payload(Packets.PROTO_ROUTING, Packets.bytes(59, 4)).bytes();
        assertDroppedAs(DropReason.TRUNCATED, fromHost0(Packets.ETH_IPV6, pkt));
        assertEquals("SID errors", 1, dp.sr().sids().get(0).drops());
    }

    @Test
    public void srhOverrunningThePacketIsDroppedSrhOverrunWithoutIcmp() throws Exception {
        byte[] srh = Packets.srh(1).segments(NEXT, SID).bytes(59);
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64)
                .payload(Packets.PROTO_ROUTING, Packets.slice(srh, 0, 24)).bytes(); // 40-byte SRH, 24 present
        assertDroppedAs(DropReason.SRH_OVERRUN, fromHost0(Packets.ETH_IPV6, pkt));
    }

    @Test
    public void segmentsLeftBeyondLastEntryGetsParameterProblemPointingAtSegmentsLeft() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(3).segments(NEXT, SID)).bytes();
        // SPEC D1: code 0, pointer 43 = 40 (IPv6 header) + 3 (Segments Left in the SRH).
        assertAnsweredWithError(DropReason.SRH_MALFORMED, fromHost0(Packets.ETH_IPV6, pkt),
                icmp6ErrorToHost0(P0_ADDR, 4, 0, 43, pkt));
    }

    @Test
    public void tlvOverrunningTheSrhIsDroppedSrhOverrun() throws Exception {
        byte[] tlv = Packets.bytes(4, 20, 0, 0, 0, 0, 0, 0); // PadN claiming 20 bytes in an 8-byte TLV area
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(1).segments(NEXT, SID).tlvs(tlv)).bytes();
        assertDroppedAs(DropReason.SRH_OVERRUN, fromHost0(Packets.ETH_IPV6, pkt));
    }

    @Test
    public void hopLimitOneAtSidGetsTimeExceededQuotingThePacketAsReceived() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(1).srh(Packets.srh(1).segments(NEXT, SID)).bytes();
        // SPEC D3: DA still the SID, Segments Left still 1.
        assertAnsweredWithError(DropReason.HOP_LIMIT, fromHost0(Packets.ETH_IPV6, pkt),
                icmp6ErrorToHost0(P0_ADDR, 3, 0, 0, pkt));
    }

    @Test
    public void sidWithSegmentsLeftForwardsToTheNextSegment() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(1).segments(NEXT, SID)).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] expected = Packets.ipv6(HOST0, NEXT).hopLimit(63).srh(Packets.srh(0).segments(NEXT, SID)).bytes();
        assertFrame("End: SL - 1, DA = List[0], hop limit - 1",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, expected),
                poll(p1));
    }

    @Test
    public void segmentsLeftZeroEchoRequestIsAnsweredFromTheSid() throws Exception {
        byte[] body = Packets.cat(Packets.u16(0x5151), Packets.u16(2), Packets.fill(24, 6));
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(0).segments(SID))
                .icmpv6(128, 0, body).bytes();
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        byte[] expected = Packets.ethernet(HOST0_MAC, P0_MAC, Packets.ETH_IPV6,
                Packets.ipv6(SID, HOST0).hopLimit(64).icmpv6(129, 0, body).bytes());
        assertFrame("echo reply from the SID (SPEC D2)", expected, poll(p0));
        assertNothingSent(p1, 50);
    }

    @Test
    public void segmentsLeftZeroUdpGetsParameterProblemCode4AtTheUdpHeader() throws Exception {
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(0).segments(SID))
                .udp(5, 6, Packets.fill(12, 0)).bytes();
        // SPEC D2: pointer = 40 + 24 (SRH with one segment) = offset of the UDP header.
        assertAnsweredWithError(DropReason.UPPER_LAYER, fromHost0(Packets.ETH_IPV6, pkt),
                icmp6ErrorToHost0(P0_ADDR, 4, 4, 64, pkt));
    }

    /** RFC 4302 §2.2: AH's Payload Len counts 32-bit words minus 2, so this AH is 24 bytes. */
    @Test
    public void segmentsLeftZeroUdpBehindAuthenticationHeaderGetsPointerAtTheUdpHeader() throws Exception {
        byte[] ah = Packets.cat(Packets.bytes(17, 4, 0, 0), Packets.u32(0x100), Packets.u32(1), new byte[12]); // ICV 96 bits
        byte[] pkt = Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(0).segments(SID))
                .extension(51, ah).udp(5, 6, Packets.fill(12, 0)).bytes();
        // pointer = 40 (IPv6) + 24 (SRH) + 24 (AH) = 88, the UDP header
        assertAnsweredWithError(DropReason.UPPER_LAYER, fromHost0(Packets.ETH_IPV6, pkt),
                icmp6ErrorToHost0(P0_ADDR, 4, 4, 88, pkt));
    }
}
