package org.srv6.appliance.behavior.tencapsl2red.internal;

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
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class TEncapsL2RedInstanceTest {
    static final String TUNSRC = "fc00::aa";
    static final String ROUTER_MAC = "02:00:00:00:00:01";
    static final String HOST_MAC = "02:00:00:00:00:99";
    static final byte[] SECRET = "l2-secret".getBytes(StandardCharsets.UTF_8);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance red(String... params) throws BehaviorException {
        TEncapsL2RedBehavior b = new TEncapsL2RedBehavior();
        return b.create(b.parse(List.of(params)), new TestBehaviorContext().tunnelSource(TUNSRC)
                .hmacKey(7, "sha1", SECRET));
    }

    static Ipv6Builder inner6() {
        return Packets.ipv6("fc00::1", "fc00::2").trafficClass(0x0c).flowLabel(0xfedcb).hopLimit(9)
                .payload(Packets.PROTO_UDP, Packets.bytes(1, 2, 3, 4));
    }

    /** RFC 8986 §5.4 with §5.2's reduced SRH: S1 only in the DA, List[0] = S3, List[1] = S2, SL 2, Last Entry 1. */
    @Test
    public void firstSegmentIsLeftOutOfTheList() throws Exception {
        byte[] frame = inner6().frame(ROUTER_MAC, HOST_MAC);
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, red("segs", "fc00::11,fc00::12,fc00::13").process(ctx));
        String want = Packets.ipv6(TUNSRC, "fc00::11").srh(Packets.srh(2).segments("fc00::13", "fc00::12"))
                .trafficClass(0x0c).flowLabel(0xfedcb).hopLimit(9).payload(143, frame).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void oneSegmentPushesNoSrhAndNextHeader143() throws Exception {
        byte[] frame = Packets.ethernet("33:33:00:00:00:01", HOST_MAC, 0x86dd, inner6().bytes());
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, red("segs", "fc00::11").process(ctx));
        assertEquals(Packets.ipv6(TUNSRC, "fc00::11").trafficClass(0x0c).flowLabel(0xfedcb).hopLimit(9)
                .payload(143, frame).hex(), harness.l3Hex());
    }

    @Test
    public void nonIpFrameGetsHopLimit64() throws Exception {
        byte[] frame = Packets.ethernet("ff:ff:ff:ff:ff:ff", HOST_MAC, Packets.ETH_ARP,
                Packets.arp(1, HOST_MAC, "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"));
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, red("segs", "fc00::11,fc00::12").process(ctx));
        assertEquals(Packets.ipv6(TUNSRC, "fc00::11").srh(Packets.srh(1).segments("fc00::12")).hopLimit(64)
                .payload(143, frame).hex(), harness.l3Hex());
    }

    /** One segment with an HMAC keeps the full SRH, as the kernel's seg6_do_srh_encap_red; SHA-1 fills 20 of the 32 bytes. */
    @Test
    public void oneSegmentWithHmacKeepsTheSignedSrh() throws Exception {
        byte[] frame = Packets.ethernet(ROUTER_MAC, HOST_MAC, 0x0800,
                Packets.ipv4("10.0.0.1", "10.0.0.2").ttl(3).payload(17, Packets.bytes(9, 9)).bytes());
        harness.loadFrame(frame);
        assertEquals(Verdict.FORWARD, red("segs", "fc00::11", "hmac", "7").process(ctx));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA1"));
        mac.update(Packets.ip6(TUNSRC));
        mac.update(Packets.bytes(0, 0x08));
        mac.update(Packets.u32(7));
        byte[] digest = mac.doFinal(Packets.ip6("fc00::11"));
        byte[] tlv = Packets.tlv(5, Packets.cat(Packets.u16(0), Packets.u32(7), digest, new byte[12]));
        String want = Packets.ipv6(TUNSRC, "fc00::11")
                .srh(Packets.srh(0).path("fc00::11").flags(0x08).tlvs(tlv)).hopLimit(64).payload(143, frame).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void unknownHmacKeyIsOneClearLine() {
        BehaviorException e = assertThrows(BehaviorException.class, () -> red("segs", "fc00::11", "hmac", "3"));
        assertEquals("hmac key 3 is not set; expected ip sr hmac set 3 sha1|sha256 SECRET first", e.getMessage());
    }

    @Test
    public void randomFramesNeverThrow() throws Exception {
        Random r = new Random(2);
        BehaviorInstance in = red("segs", "fc00::11");
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
