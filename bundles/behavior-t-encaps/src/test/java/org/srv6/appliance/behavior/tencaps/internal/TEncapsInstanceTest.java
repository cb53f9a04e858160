package org.srv6.appliance.behavior.tencaps.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Random;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.HmacTlv;
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class TEncapsInstanceTest {
    static final String TUNSRC = "fc00::aa";
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance encap() throws BehaviorException {
        TEncapsBehavior b = new TEncapsBehavior();
        return b.create(b.parse(List.of("segs", "fc00::11,fc00::12")), new TestBehaviorContext().tunnelSource(TUNSRC));
    }

    /** IPv6 fc00::1 -> fc00::2, traffic class 0xa1, flow label 0x23456, hop limit 63, 4 bytes of UDP-ish payload. */
    static Ipv6Builder inner6() {
        return Packets.ipv6("fc00::1", "fc00::2").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .payload(Packets.PROTO_UDP, DATA);
    }

    /** IPv4 10.0.0.1 -> 10.0.0.2, TTL 5, 4 bytes of UDP-ish payload; encap copies it, header checksum 000a and all. */
    static Ipv4Builder inner4() {
        return Packets.ipv4("10.0.0.1", "10.0.0.2").ttl(5).checksum(0x000a).payload(Packets.PROTO_UDP, DATA);
    }

    /** The outer header and SRH encap pushes for segs fc00::11,fc00::12. */
    private static Ipv6Builder outer() {
        return Packets.ipv6(TUNSRC, "fc00::11").srh(1, "fc00::11", "fc00::12");
    }

    @Test
    public void ipv6PayloadGetsOuterHeaderAndSrh() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, encap().process(ctx));
        String want = outer().trafficClass(0xa1).flowLabel(0x23456).hopLimit(63).ipv6(inner6()).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void ipv4PayloadGetsHopLimit64AndNextHeader4() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, encap().process(ctx));
        String want = outer().hopLimit(64).ipv4(inner4()).hex();
        assertEquals(want, harness.l3Hex());
    }

    static final byte[] SECRET = "s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static BehaviorInstance encapHmac(String algorithm, String segs) throws BehaviorException {
        TEncapsBehavior b = new TEncapsBehavior();
        return b.create(b.parse(List.of("segs", segs, "hmac", "7")),
                new TestBehaviorContext().tunnelSource(TUNSRC).hmacKey(7, algorithm, SECRET));
    }

    /** The outer header and SRH with the HMAC flag and TLV over the tunnel source and fc00::12, fc00::11. */
    private static Ipv6Builder outerHmac(String algorithm) {
        byte[] tlv = HmacTlv.tlv(algorithm, SECRET, 7, TUNSRC, 0x08, "fc00::12", "fc00::11");
        return Packets.ipv6(TUNSRC, "fc00::11").srh(Packets.srh(1).path("fc00::11", "fc00::12").flags(0x08).tlvs(tlv));
    }

    @Test
    public void hmacSha256TlvEndsTheSrhAsTheKernelSignsIt() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, encapHmac("sha256", "fc00::11,fc00::12").process(ctx));
        String want = outerHmac("sha256").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63).ipv6(inner6()).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hmacSha1FillsTwentyBytesThenZeros() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, encapHmac("sha1", "fc00::11,fc00::12").process(ctx));
        String want = outerHmac("sha1").hopLimit(64).ipv4(inner4()).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals("000000000000000000000000", harness.hexAt(40 + 8 + 32 + 8 + 20, 12));
    }

    @Test
    public void hmacNamingAnUnknownKeyIsOneLine() throws Exception {
        TEncapsBehavior b = new TEncapsBehavior();
        BehaviorException e = assertThrows(BehaviorException.class,
                () -> b.create(b.parse(List.of("segs", "fc00::11", "hmac", "9")), new TestBehaviorContext()));
        assertEquals("hmac key 9 is not set; expected ip sr hmac set 9 sha1|sha256 SECRET first", e.getMessage());
    }

    @Test
    public void hmacSignsAtMostFourteenSegments() throws Exception {
        StringBuilder segs = new StringBuilder("fc00::1");
        for (int i = 2; i <= 14; i++) {
            segs.append(",fc00::").append(Integer.toHexString(i));
        }
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, encapHmac("sha256", segs.toString()).process(ctx));
        TEncapsBehavior b = new TEncapsBehavior();
        BehaviorException e = assertThrows(BehaviorException.class,
                () -> b.parse(List.of("segs", segs + ",fc00::f", "hmac", "7")));
        assertEquals("encap with hmac signs at most 14 segments, not 15; expected fewer segs or no hmac", e.getMessage());
        assertNotNull(b.parse(List.of("segs", segs + ",fc00::f")));
    }

    @Test
    public void randomInputsNeverThrow() throws Exception {
        Random r = new Random(1);
        BehaviorInstance in = encap();
        for (int i = 0; i < 3000; i++) {
            byte[] m = new byte[r.nextInt(80)];
            r.nextBytes(m);
            harness.load(m);
            assertNotNull(in.process(ctx));
        }
    }
}
