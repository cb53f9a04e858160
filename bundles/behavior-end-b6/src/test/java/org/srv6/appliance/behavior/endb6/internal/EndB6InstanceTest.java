package org.srv6.appliance.behavior.endb6.internal;

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

/**
 * End.B6 as End.B6.Insert (SPEC D4, draft-filsfils-spring-srv6-net-pgm-insertion): the End step,
 * then the SRH of B inserted with List[0] = the packet's next segment. Expected bytes from the text.
 */
public class EndB6InstanceTest {
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
        return new TestBehaviorContext().prefix(SID, 128).tunnelSource("fc00::aa").hmacKey(7, "sha256", SECRET);
    }

    private static BehaviorInstance sid(String line) throws BehaviorException {
        EndB6Behavior b = new EndB6Behavior();
        return b.create(b.parse(List.of(line.split(" "))), context());
    }

    /** fc00::1 -> the SID with SL 2 over (SID, fc00::3, fc00::2), traffic class 0xa1, flow label 0x23456, hop limit 63. */
    static Ipv6Builder received() {
        return Packets.ipv6("fc00::1", SID).trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(2, SID, "fc00::3", "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    /** The received SRH after the End step: SL 1 (its next segment fc00::3 went into the DA). */
    private static SrhBuilder advancedSrh() {
        return Packets.srh(1).path(SID, "fc00::3", "fc00::2");
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
    public void endStepThenInsertedSrhEndsAtTheNextSegment() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12").process(ctx));
        // B: List[0] = fc00::3 (the updated DA), List[1] = fc00::12, List[2] = fc00::11; SL 2; DA = fc00::11.
        String want = Packets.ipv6("fc00::1", "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(2, "fc00::11", "fc00::12", "fc00::3").srh(advancedSrh()).payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
        assertEquals(254, ctx.table);
    }

    @Test
    public void lastSegmentBecomesTheInsertedSrhsLast() throws Exception {
        harness.load(Packets.ipv6("fc00::1", SID).hopLimit(9).srh(1, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11").process(ctx));
        String want = Packets.ipv6("fc00::1", "fc00::11").hopLimit(9).srh(1, "fc00::11", "fc00::2")
                .srh(0, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hopByHopOptionsStayFirst() throws Exception {
        byte[] opt = Packets.bytes(0x3e, 4, 1, 2, 3, 4);
        harness.load(Packets.ipv6("fc00::1", SID).hopLimit(9).options(Packets.PROTO_HOPOPTS, opt)
                .srh(1, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11").process(ctx));
        String want = Packets.ipv6("fc00::1", "fc00::11").hopLimit(9).options(Packets.PROTO_HOPOPTS, opt)
                .srh(1, "fc00::11", "fc00::2").srh(0, SID, "fc00::2").payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hmacCoversTheInsertedSrhWithItsNextSegment() throws Exception {
        harness.load(received());
        assertEquals(Verdict.FORWARD, sid("srh segs fc00::11,fc00::12 hmac 7").process(ctx));
        SrhBuilder b = Packets.srh(2).path("fc00::11", "fc00::12", "fc00::3").flags(0x08)
                .tlvs(hmacTlv(7, "fc00::1", 2, "fc00::3", "fc00::12", "fc00::11"));
        String want = Packets.ipv6("fc00::1", "fc00::11").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .srh(b).srh(advancedSrh()).payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
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
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
    }

    @Test
    public void hopLimitOneGetsTimeExceededQuotingThePacketAsReceived() throws Exception {
        byte[] in = received().hopLimit(1).bytes();
        harness.load(in);
        assertEquals(Verdict.ICMP_ERROR, sid("srh segs fc00::11").process(ctx));
        assertEquals(Icmp6.TIME_EXCEEDED, ctx.icmpType);
        assertEquals(Packets.hex(in), harness.l3Hex());
    }

    @Test
    public void badConfigurationIsOneLine() throws Exception {
        EndB6Behavior b = new EndB6Behavior();
        try {
            b.create(b.parse(List.of("srh", "segs", "fc00::11", "hmac", "8")), context());
            fail("key 8 is not set");
        } catch (BehaviorException e) {
            assertEquals("hmac key 8 is not set; expected ip sr hmac set 8 sha1|sha256 SECRET first", e.getMessage());
        }
        StringBuilder segs = new StringBuilder("fc00::1");
        for (int i = 2; i <= 127; i++) {
            segs.append(",fc00::").append(Integer.toHexString(i));
        }
        try {
            b.parse(List.of("srh", "segs", segs.toString()));
            fail("127 segments and the next one do not fit an SRH");
        } catch (BehaviorException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("End.B6: srh segs takes at most 126 segments"));
        }
    }

    @Test
    public void randomInputsNeverThrow() throws Exception {
        Random r = new Random(3);
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
