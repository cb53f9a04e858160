package org.srv6.appliance.behavior.endb6encaps.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

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
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.SrhBuilder;
import org.srv6.appliance.testkit.TestBehaviorContext;

/** RFC 8986 §4.13 End.B6.Encaps, expected bytes written from the RFC's text. */
public class EndB6EncapsInstanceTest {
    static final String TUNSRC = "fc00::aa";
    static final String SID = "fc00::b6";
    static final byte[] SECRET = "b6-secret".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    static TestBehaviorContext context() {
        return new TestBehaviorContext().prefix(SID, 128).tunnelSource(TUNSRC).hmacKey(7, "sha256", SECRET)
                .hmacKey(9, "sha1", SECRET);
    }

    private static BehaviorInstance sid(String line) throws BehaviorException {
        EndB6EncapsBehavior b = new EndB6EncapsBehavior();
        return b.create(b.parse(List.of(line.split(" "))), context());
    }

    /** fc00::1 -> the SID with SL 1 over (SID, fc00::2), traffic class 0xa1, flow label 0x23456, hop limit 63. */
    static Ipv6Builder received() {
        return Packets.ipv6("fc00::1", SID).trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(1, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    /** The received packet after the End step (S15-S16): SL 0, DA fc00::2, hop limit untouched. */
    static Ipv6Builder advanced() {
        return Packets.ipv6("fc00::1", "fc00::2").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(0, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    /**
     * The HMAC TLV of RFC 8754 §2.1.2 as iproute2 lays it out, the field computed with
     * javax.crypto.Mac over source, Last Entry, Flags, Key ID and the segment list (List[0] first).
     */
    static byte[] hmacTlv(String algorithm, long keyId, String src, int lastEntry, String... list0) throws Exception {
        byte[] segs = new byte[0];
        for (String s : list0) {
            segs = Packets.cat(segs, Packets.ip6(s));
        }
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(lastEntry, 0x08), Packets.u32((int) keyId), segs);
        String jdk = algorithm.equals("sha1") ? "HmacSHA1" : "HmacSHA256";
        Mac mac = Mac.getInstance(jdk);
        mac.init(new SecretKeySpec(SECRET, jdk));
        byte[] field = new byte[32];
        byte[] d = mac.doFinal(text);
        System.arraycopy(d, 0, field, 0, d.length);
        return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32((int) keyId), field);
    }

    @Test
    public void endStepThenOuterHeaderAndSrhOfThePolicy() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12").process(ctx));
        // S17-S20: outer SA the tunnel source, DA the first SID of B, traffic class and flow label
        // of the inner header, hop limit the inner one (the forwarding step takes one off).
        String want = Packets.ipv6(TUNSRC, "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(1, "fc00::11", "fc00::12").ipv6(advanced()).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
        assertEquals(254, ctx.table);
    }

    @Test
    public void oneSegmentPolicy() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11").process(ctx));
        String want = Packets.ipv6(TUNSRC, "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(0, "fc00::11").ipv6(advanced()).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void receivedSrhWithMoreSegmentsKeepsTheRest() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).hopLimit(10).srh(2, SID, "fc00::3", "fc00::2")
                .payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12").process(ctx));
        Ipv6Builder inner = Packets.ipv6("fc00::1", "fc00::3").hopLimit(10).srh(1, SID, "fc00::3", "fc00::2")
                .payload(Packets.PROTO_UDP, DATA);
        String want = Packets.ipv6(TUNSRC, "fc00::11").hopLimit(10).srh(1, "fc00::11", "fc00::12").ipv6(inner).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hmacSha256SignedOverTheTunnelSource() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12 hmac 7").process(ctx));
        SrhBuilder srh = Packets.srh(1).path("fc00::11", "fc00::12").flags(0x08)
                .tlvs(hmacTlv("sha256", 7, TUNSRC, 1, "fc00::12", "fc00::11"));
        String want = Packets.ipv6(TUNSRC, "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(srh).ipv6(advanced()).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hmacSha1FieldZeroPadded() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11 hmac 9").process(ctx));
        SrhBuilder srh = Packets.srh(0).path("fc00::11").flags(0x08)
                .tlvs(hmacTlv("sha1", 9, TUNSRC, 0, "fc00::11"));
        String want = Packets.ipv6(TUNSRC, "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(srh).ipv6(advanced()).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void segmentsLeftZeroIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).srh(0, "fc00::2", SID).payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.DROP, sid("srh segs fc00::11").process(ctx));
        assertEquals(DropReason.SL_ZERO, ctx.dropReason);
    }

    @Test
    public void withoutSrhIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.DROP, sid("srh segs fc00::11").process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void malformedSrhGetsParameterProblemAtSegmentsLeft() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).srh(Packets.srh(3).path(SID, "fc00::2"))
                .payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.ICMP_ERROR, sid("srh segs fc00::11").process(ctx));
        assertEquals(Icmp6.PARAMETER_PROBLEM, ctx.icmpType);
        assertEquals(0, ctx.icmpCode);
        assertEquals(43, ctx.icmpParam);
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
    }

    @Test
    public void hopLimitOneGetsTimeExceededBeforeAnyRewrite() throws Exception {
        byte[] in = received().hopLimit(1).bytes();
        harness.load(in);
        assertEquals(Verdict.ICMP_ERROR, sid("srh segs fc00::11").process(ctx));
        assertEquals(Icmp6.TIME_EXCEEDED, ctx.icmpType);
        assertEquals(DropReason.HOP_LIMIT, ctx.dropReason);
        assertEquals(Packets.hex(in), harness.l3Hex());
    }

    @Test
    public void unknownHmacKeyIsOneLine() throws Exception {
        EndB6EncapsBehavior b = new EndB6EncapsBehavior();
        try {
            b.create(b.parse(List.of("srh", "segs", "fc00::11", "hmac", "8")), context());
            fail("key 8 is not set");
        } catch (BehaviorException e) {
            assertEquals("hmac key 8 is not set; expected ip sr hmac set 8 sha1|sha256 SECRET first", e.getMessage());
        }
    }

    @Test
    public void tooManySegmentsIsOneLine() throws Exception {
        StringBuilder segs = new StringBuilder();
        for (int i = 1; i <= 15; i++) {
            segs.append(i == 1 ? "" : ",").append("fc00::").append(Integer.toHexString(i));
        }
        EndB6EncapsBehavior b = new EndB6EncapsBehavior();
        try {
            b.parse(List.of("srh", "segs", segs.toString(), "hmac", "7"));
            fail("15 segments cannot be signed");
        } catch (BehaviorException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("End.B6.Encaps: srh segs with hmac takes at most 14"));
            assertTrue(e.getMessage().indexOf('\n') < 0);
        }
        for (int i = 16; i <= 128; i++) {
            segs.append(",fc00::").append(Integer.toHexString(i));
        }
        try {
            b.parse(List.of("srh", "segs", segs.toString()));
            fail("128 segments do not fit an SRH");
        } catch (BehaviorException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("End.B6.Encaps: srh segs takes at most 127"));
        }
    }

    @Test
    public void randomInputsNeverThrow() throws Exception {
        Random r = new Random(1);
        BehaviorInstance in = sid("srh segs fc00::11,fc00::12 hmac 7");
        for (int i = 0; i < 3000; i++) {
            byte[] m = new byte[r.nextInt(120)];
            r.nextBytes(m);
            if (m.length > 0) {
                m[0] = (byte) (0x60 | (m[0] & 0x0f));
            }
            harness.load(m);
            assertNotNull(in.process(ctx));
        }
    }
}
