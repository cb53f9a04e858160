package org.srv6.appliance.behavior.endb6encapsred.internal;

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

/** RFC 8986 §4.14 End.B6.Encaps.Red, expected bytes written from the RFC's text (§5.2's reduced SRH). */
public class EndB6EncapsRedInstanceTest {
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
        return new TestBehaviorContext().prefix(SID, 128).tunnelSource(TUNSRC).hmacKey(7, "sha256", SECRET);
    }

    private static BehaviorInstance sid(String line) throws BehaviorException {
        EndB6EncapsRedBehavior b = new EndB6EncapsRedBehavior();
        return b.create(b.parse(List.of(line.split(" "))), context());
    }

    static Ipv6Builder received() {
        return Packets.ipv6("fc00::1", SID).trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(1, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    static Ipv6Builder advanced() {
        return Packets.ipv6("fc00::1", "fc00::2").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(0, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    private static Ipv6Builder outer() {
        return Packets.ipv6(TUNSRC, "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63);
    }

    static byte[] hmacTlv(long keyId, String src, int lastEntry, String... list0) throws Exception {
        byte[] segs = new byte[0];
        for (String s : list0) {
            segs = Packets.cat(segs, Packets.ip6(s));
        }
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(lastEntry, 0x08), Packets.u32((int) keyId), segs);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32((int) keyId), mac.doFinal(text));
    }

    @Test
    public void reducedSrhLeavesTheFirstSidOut() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12,fc00::13").process(ctx));
        // List[0] = S3, List[1] = S2; Last Entry 1, Segments Left 2; S1 only in the outer DA.
        String want = outer().srh(Packets.srh(2).segments("fc00::13", "fc00::12")).ipv6(advanced()).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void oneSegmentPushesNoSrh() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11").process(ctx));
        String want = outer().ipv6(advanced()).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hmacSignsTheReducedList() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12 hmac 7").process(ctx));
        SrhBuilder srh = Packets.srh(1).segments("fc00::12").flags(0x08).tlvs(hmacTlv(7, TUNSRC, 0, "fc00::12"));
        assertEquals(outer().srh(srh).ipv6(advanced()).hex(), harness.l3Hex());
    }

    @Test
    public void oneSegmentWithHmacKeepsTheFullSrh() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11 hmac 7").process(ctx));
        SrhBuilder srh = Packets.srh(0).segments("fc00::11").flags(0x08).tlvs(hmacTlv(7, TUNSRC, 0, "fc00::11"));
        assertEquals(outer().srh(srh).ipv6(advanced()).hex(), harness.l3Hex());
    }

    @Test
    public void segmentsLeftZeroIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).srh(0, "fc00::2", SID).payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.DROP, sid("srh segs fc00::11").process(ctx));
        assertEquals(DropReason.SL_ZERO, ctx.dropReason);
    }

    @Test
    public void malformedSrhGetsParameterProblem() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).srh(Packets.srh(3).path(SID, "fc00::2"))
                .payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.ICMP_ERROR, sid("srh segs fc00::11").process(ctx));
        assertEquals(Icmp6.PARAMETER_PROBLEM, ctx.icmpType);
        assertEquals(43, ctx.icmpParam);
    }

    @Test
    public void hopLimitOneGetsTimeExceeded() throws Exception {
        byte[] in = received().hopLimit(1).bytes();
        harness.load(in);
        assertEquals(Verdict.ICMP_ERROR, sid("srh segs fc00::11,fc00::12").process(ctx));
        assertEquals(Icmp6.TIME_EXCEEDED, ctx.icmpType);
        assertEquals(Packets.hex(in), harness.l3Hex());
    }

    @Test
    public void badConfigurationIsOneLine() throws Exception {
        EndB6EncapsRedBehavior b = new EndB6EncapsRedBehavior();
        try {
            b.create(b.parse(List.of("srh", "segs", "fc00::11", "hmac", "8")), context());
            fail("key 8 is not set");
        } catch (BehaviorException e) {
            assertEquals("hmac key 8 is not set; expected ip sr hmac set 8 sha1|sha256 SECRET first", e.getMessage());
        }
        StringBuilder segs = new StringBuilder("fc00::1");
        for (int i = 2; i <= 16; i++) {
            segs.append(",fc00::").append(Integer.toHexString(i));
        }
        try {
            b.parse(List.of("srh", "segs", segs.toString(), "hmac", "7"));
            fail("16 segments: 15 in the reduced SRH, more than an HMAC covers");
        } catch (BehaviorException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("End.B6.Encaps.Red: srh segs with hmac takes at most 15"));
        }
        assertNotNull(b.parse(List.of("srh", "segs", segs.substring(0, segs.lastIndexOf(",")), "hmac", "7")));
    }

    @Test
    public void randomInputsNeverThrow() throws Exception {
        Random r = new Random(2);
        BehaviorInstance in = sid("srh segs fc00::11 hmac 7");
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
