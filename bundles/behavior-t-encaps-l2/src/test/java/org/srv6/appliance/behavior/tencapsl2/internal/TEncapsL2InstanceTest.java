package org.srv6.appliance.behavior.tencapsl2.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

public class TEncapsL2InstanceTest {
    static final String TUNSRC = "fc00::aa";
    static final String ROUTER_MAC = "02:00:00:00:00:01";
    static final String HOST_MAC = "02:00:00:00:00:99";
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4);
    static final byte[] SECRET = "l2-secret".getBytes(StandardCharsets.UTF_8);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance l2encap(String... params) throws BehaviorException {
        TEncapsL2Behavior b = new TEncapsL2Behavior();
        return b.create(b.parse(List.of(params)), new TestBehaviorContext().tunnelSource(TUNSRC)
                .hmacKey(7, "sha256", SECRET));
    }

    static Ipv6Builder inner6() {
        return Packets.ipv6("fc00::1", "fc00::2").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .payload(Packets.PROTO_UDP, DATA);
    }

    static Ipv4Builder inner4() {
        return Packets.ipv4("10.0.0.1", "10.0.0.2").ttl(5).payload(Packets.PROTO_UDP, DATA);
    }

    /** The outer header and SRH (Next Header 143) l2encap pushes for segs fc00::11,fc00::12. */
    private static Ipv6Builder outer() {
        return Packets.ipv6(TUNSRC, "fc00::11").srh(1, "fc00::11", "fc00::12");
    }

    @Test
    public void ipv6FrameIsCarriedWholeWithItsTrafficClassFlowLabelAndHopLimit() throws Exception {
        byte[] frame = inner6().frame(ROUTER_MAC, HOST_MAC);
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, l2encap("segs", "fc00::11,fc00::12").process(ctx));
        String want = outer().trafficClass(0xa1).flowLabel(0x23456).hopLimit(63).payload(143, frame).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
        assertEquals(254, ctx.table);
    }

    @Test
    public void ipv4FrameGetsHopLimit64TrafficClassAndFlowLabel0() throws Exception {
        byte[] frame = Packets.ethernet(ROUTER_MAC, HOST_MAC, Packets.ETH_IPV4,
                inner4().tos(0xb8).bytes());
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, l2encap("segs", "fc00::11,fc00::12").process(ctx));
        assertEquals(outer().hopLimit(64).payload(143, frame).hex(), harness.l3Hex());
    }

    @Test
    public void arpBroadcastIsCarriedLikeAnyOtherFrame() throws Exception {
        byte[] frame = Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST_MAC, Packets.ETH_ARP,
                Packets.arp(1, HOST_MAC, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"));
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, l2encap("segs", "fc00::11").process(ctx));
        String want = Packets.ipv6(TUNSRC, "fc00::11").srh(0, "fc00::11").hopLimit(64).payload(143, frame).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void tunsrcGivenOnTheLineWins() throws Exception {
        byte[] frame = inner6().frame(ROUTER_MAC, HOST_MAC);
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, l2encap("tunsrc", "fc00::bb", "segs", "fc00::11").process(ctx));
        assertEquals(Packets.ipv6("fc00::bb", "fc00::11").srh(0, "fc00::11").trafficClass(0xa1).flowLabel(0x23456)
                .hopLimit(63).payload(143, frame).hex(), harness.l3Hex());
    }

    /** RFC 8754 §2.1.2.1: HMAC over source, Last Entry, Flags, Key ID and the segment list, signed after the source is set. */
    @Test
    public void hmacTlvIsSignedOverTheOuterSource() throws Exception {
        byte[] frame = Packets.ethernet(ROUTER_MAC, HOST_MAC, 0x88b5, Packets.fill(46, 3));
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, l2encap("segs", "fc00::11,fc00::12", "hmac", "7").process(ctx));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        mac.update(Packets.ip6(TUNSRC));
        mac.update(Packets.bytes(1, 0x08));
        mac.update(Packets.u32(7));
        mac.update(Packets.ip6("fc00::12"));
        byte[] digest = mac.doFinal(Packets.ip6("fc00::11"));
        byte[] tlv = Packets.tlv(5, Packets.cat(Packets.u16(0), Packets.u32(7), digest));
        String want = Packets.ipv6(TUNSRC, "fc00::11")
                .srh(Packets.srh(1).path("fc00::11", "fc00::12").flags(0x08).tlvs(tlv)).hopLimit(64)
                .payload(143, frame).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void unknownHmacKeyIsOneClearLine() {
        BehaviorException e = assertThrows(BehaviorException.class, () -> l2encap("segs", "fc00::11", "hmac", "9"));
        assertEquals("hmac key 9 is not set; expected ip sr hmac set 9 sha1|sha256 SECRET first", e.getMessage());
    }

    @Test
    public void hmacSignsAtMost14Segments() {
        StringBuilder segs = new StringBuilder("fc00::1");
        for (int i = 2; i <= 15; i++) {
            segs.append(",fc00::").append(Integer.toHexString(i));
        }
        BehaviorException e = assertThrows(BehaviorException.class,
                () -> l2encap("segs", segs.toString(), "hmac", "7"));
        assertEquals("l2encap: hmac signs at most 14 segments, not 15", e.getMessage());
    }

    @Test
    public void frameWithoutRoomForTheEthernetHeaderIsDropped() throws Exception {
        harness.load(new byte[0]);
        ctx.l3 = 10;
        assertEquals(Verdict.DROP, l2encap("segs", "fc00::11").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
    }

    @Test
    public void randomFramesNeverThrow() throws Exception {
        Random r = new Random(1);
        BehaviorInstance in = l2encap("segs", "fc00::11,fc00::12", "hmac", "7");
        for (int i = 0; i < 3000; i++) {
            byte[] m = new byte[14 + r.nextInt(80)];
            r.nextBytes(m);
            if (i % 2 == 0) {
                m[12] = (byte) 0x86;
                m[13] = (byte) 0xdd;
            }
            harness.loadFrame(m);
            assertNotNull(in.process(ctx));
        }
    }
}
