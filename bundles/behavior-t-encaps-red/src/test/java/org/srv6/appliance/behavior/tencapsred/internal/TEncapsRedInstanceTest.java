package org.srv6.appliance.behavior.tencapsred.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.srv6.appliance.testkit.SrhBuilder;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * RFC 8986 §5.2 H.Encaps.Red with the kernel's layout (seg6_do_srh_encap_red): expected bytes
 * written from the text, the HMAC of RFC 8754 §2.1.2.1 computed here with javax.crypto.Mac.
 */
public class TEncapsRedInstanceTest {
    static final String TUNSRC = "fc00::aa";
    static final String ROUTE_TUNSRC = "fc00::bb";
    static final String S1 = "fc00::11";
    static final String S2 = "fc00::12";
    static final String S3 = "fc00::13";
    static final int KEY = 7;
    static final String SECRET = "encap.red secret";
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    @After
    public void release() {
        harness.close();
    }

    private static TestBehaviorContext context() {
        return new TestBehaviorContext().tunnelSource(TUNSRC)
                .hmacKey(KEY, "sha256", SECRET.getBytes(StandardCharsets.UTF_8))
                .hmacKey(KEY + 1, "sha1", SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static BehaviorInstance red(String... tokens) throws BehaviorException {
        TEncapsRedBehavior b = new TEncapsRedBehavior();
        return b.create(b.parse(List.of(tokens)), context());
    }

    /** IPv6 fc00::1 -> fc00::2, traffic class 0xa1, flow label 0x23456, hop limit 63, 4 bytes of UDP-ish payload. */
    static Ipv6Builder inner6() {
        return Packets.ipv6("fc00::1", "fc00::2").trafficClass(0xa1).flowLabel(0x23456).hopLimit(63)
                .payload(Packets.PROTO_UDP, DATA);
    }

    /** IPv4 10.0.0.1 -> 10.0.0.2, TOS 0xb8, TTL 5; encap copies it, header checksum 000a and all. */
    static Ipv4Builder inner4() {
        return Packets.ipv4("10.0.0.1", "10.0.0.2").tos(0xb8).ttl(5).checksum(0x000a).payload(Packets.PROTO_UDP, DATA);
    }

    private static Ipv6Builder outer6(String src, String dst) {
        return Packets.ipv6(src, dst).trafficClass(0xa1).flowLabel(0x23456).hopLimit(63);
    }

    private static Ipv6Builder outer4(String src, String dst) {
        return Packets.ipv6(src, dst).hopLimit(64);
    }

    /** The HMAC TLV (type 5, length 38, key id, 32-byte field) of RFC 8754 §2.1.2 for the SRH built by {@code srh}. */
    static byte[] hmacTlv(String alg, String src, SrhBuilder unsigned, int keyId) throws Exception {
        byte[] s = unsigned.flags(0x08).tlvs(new byte[40]).bytes(0);
        int lastEntry = s[4] & 0xff;
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(lastEntry, s[5] & 0xff), Packets.u32(keyId),
                Arrays.copyOfRange(s, 8, 8 + 16 * (lastEntry + 1)));
        String jdk = alg.equals("sha1") ? "HmacSHA1" : "HmacSHA256";
        Mac mac = Mac.getInstance(jdk);
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), jdk));
        byte[] field = Arrays.copyOf(mac.doFinal(text), 32);
        return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32(keyId), field);
    }

    // ---- no HMAC ----

    /** n = 1: no SRH at all, the outer Next Header is the inner protocol (41). */
    @Test
    public void oneSegmentIpv6PushesNoSrh() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("segs", S1).process(ctx));
        assertEquals(outer6(TUNSRC, S1).ipv6(inner6()).hex(), harness.l3Hex());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void oneSegmentIpv4PushesNoSrhAndNextHeader4() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, red("segs", S1).process(ctx));
        assertEquals(outer4(TUNSRC, S1).ipv4(inner4()).hex(), harness.l3Hex());
    }

    /** n = 2: the SRH holds only S2 (Last Entry 0) with Segments Left 1; S1 is the destination. */
    @Test
    public void twoSegmentsIpv6LeaveS1OutOfTheSrh() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("segs", S1 + "," + S2).process(ctx));
        assertEquals(outer6(TUNSRC, S1).srh(Packets.srh(1).segments(S2)).ipv6(inner6()).hex(), harness.l3Hex());
    }

    @Test
    public void twoSegmentsIpv4() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, red("segs", S1 + "," + S2).process(ctx));
        assertEquals(outer4(TUNSRC, S1).srh(Packets.srh(1).segments(S2)).ipv4(inner4()).hex(), harness.l3Hex());
    }

    /** n = 3: List[0] = S3, List[1] = S2, Last Entry 1, Segments Left 2. */
    @Test
    public void threeSegmentsIpv6() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("segs", S1 + "," + S2 + "," + S3).process(ctx));
        assertEquals(outer6(TUNSRC, S1).srh(Packets.srh(2).segments(S3, S2)).ipv6(inner6()).hex(), harness.l3Hex());
    }

    @Test
    public void threeSegmentsIpv4() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, red("segs", S1 + "," + S2 + "," + S3).process(ctx));
        assertEquals(outer4(TUNSRC, S1).srh(Packets.srh(2).segments(S3, S2)).ipv4(inner4()).hex(), harness.l3Hex());
    }

    /** Route tunsrc wins over the node's tunnel source. */
    @Test
    public void routeTunsrcIsTheOuterSource() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("tunsrc", ROUTE_TUNSRC, "segs", S1 + "," + S2).process(ctx));
        assertEquals(outer6(ROUTE_TUNSRC, S1).srh(Packets.srh(1).segments(S2)).ipv6(inner6()).hex(), harness.l3Hex());
    }

    // ---- HMAC ----

    /** n = 1 with HMAC: the kernel keeps the full SRH (List[0] = S1, Last Entry 0, SL 0) to carry the TLV. */
    @Test
    public void oneSegmentWithHmacKeepsTheFullSrh() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("segs", S1, "hmac", "7").process(ctx));
        byte[] tlv = hmacTlv("sha256", TUNSRC, Packets.srh(0).segments(S1), KEY);
        assertEquals(outer6(TUNSRC, S1).srh(Packets.srh(0).segments(S1).flags(0x08).tlvs(tlv)).ipv6(inner6()).hex(),
                harness.l3Hex());
    }

    @Test
    public void oneSegmentWithHmacIpv4() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, red("segs", S1, "hmac", "7").process(ctx));
        byte[] tlv = hmacTlv("sha256", TUNSRC, Packets.srh(0).segments(S1), KEY);
        assertEquals(outer4(TUNSRC, S1).srh(Packets.srh(0).segments(S1).flags(0x08).tlvs(tlv)).ipv4(inner4()).hex(),
                harness.l3Hex());
    }

    /** The HMAC covers the reduced SRH: Last Entry n-2 and S2 only. */
    @Test
    public void twoSegmentsWithHmacSignsTheReducedSrh() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("segs", S1 + "," + S2, "hmac", "7").process(ctx));
        byte[] tlv = hmacTlv("sha256", TUNSRC, Packets.srh(1).segments(S2), KEY);
        assertEquals(outer6(TUNSRC, S1).srh(Packets.srh(1).segments(S2).flags(0x08).tlvs(tlv)).ipv6(inner6()).hex(),
                harness.l3Hex());
    }

    @Test
    public void threeSegmentsWithHmacIpv4() throws Exception {
        harness.load(inner4());
        assertEquals(Verdict.FORWARD, red("segs", S1 + "," + S2 + "," + S3, "hmac", "7").process(ctx));
        byte[] tlv = hmacTlv("sha256", TUNSRC, Packets.srh(2).segments(S3, S2), KEY);
        assertEquals(outer4(TUNSRC, S1).srh(Packets.srh(2).segments(S3, S2).flags(0x08).tlvs(tlv)).ipv4(inner4()).hex(),
                harness.l3Hex());
    }

    /** HMAC-SHA-1 fills 20 bytes of the field and zeros the rest; the route tunsrc is the signed source. */
    @Test
    public void threeSegmentsWithSha1HmacAndRouteTunsrc() throws Exception {
        harness.load(inner6());
        assertEquals(Verdict.FORWARD,
                red("tunsrc", ROUTE_TUNSRC, "segs", S1 + "," + S2 + "," + S3, "hmac", "8").process(ctx));
        byte[] tlv = hmacTlv("sha1", ROUTE_TUNSRC, Packets.srh(2).segments(S3, S2), KEY + 1);
        assertEquals(outer6(ROUTE_TUNSRC, S1).srh(Packets.srh(2).segments(S3, S2).flags(0x08).tlvs(tlv))
                .ipv6(inner6()).hex(), harness.l3Hex());
    }

    /** Every packet gets the same signed header (the HMAC text is fixed for the route). */
    @Test
    public void everyPacketIsSigned() throws Exception {
        BehaviorInstance in = red("segs", S1 + "," + S2, "hmac", "7");
        byte[] tlv = hmacTlv("sha256", TUNSRC, Packets.srh(1).segments(S2), KEY);
        String want = outer4(TUNSRC, S1).srh(Packets.srh(1).segments(S2).flags(0x08).tlvs(tlv)).ipv4(inner4()).hex();
        for (int i = 0; i < 3; i++) {
            harness.load(inner4());
            assertEquals(Verdict.FORWARD, in.process(ctx));
            assertEquals(want, harness.l3Hex());
        }
    }

    // ---- bad configuration and bad packets ----

    private static String rejected(TestBehaviorContext c, String... tokens) {
        TEncapsRedBehavior b = new TEncapsRedBehavior();
        try {
            b.create(b.parse(List.of(tokens)), c);
        } catch (BehaviorException e) {
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            return e.getMessage();
        }
        fail("accepted " + String.join(" ", tokens));
        return null;
    }

    private static String segs(int n) {
        List<String> s = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            s.add("fc00::" + Integer.toHexString(i));
        }
        return String.join(",", s);
    }

    @Test
    public void unknownHmacKeyIsOneLine() {
        assertEquals("hmac key 9 is not set; expected ip sr hmac set 9 sha1|sha256 SECRET first",
                rejected(context(), "segs", S1, "hmac", "9"));
    }

    @Test
    public void ipv4TunsrcIsOneLine() {
        assertEquals("encap.red: tunsrc needs an IPv6 address, got '10.0.0.1'",
                rejected(context(), "tunsrc", "10.0.0.1", "segs", S1));
    }

    @Test
    public void moreSegmentsThanTheSrhHoldsIsOneLine() {
        assertEquals("encap.red: segs takes at most 127 segments", rejected(context(), "segs", segs(128)));
    }

    @Test
    public void moreSegmentsThanTheHmacSignsIsOneLine() throws Exception {
        assertEquals("encap.red: segs with hmac takes at most 15 segments (the reduced SRH signs 14), not 16",
                rejected(context(), "segs", segs(16), "hmac", "7"));
        assertNotNull(red("segs", segs(15), "hmac", "7"));
        assertNotNull(red("segs", segs(127)));
    }

    /**
     * The longest list the headroom of a frame takes (PacketContext.HEADROOM): 30 segments, 29 in
     * the SRH; one more is dropped as no-headroom, counted, not thrown.
     */
    @Test
    public void longestSegmentListThatFitsTheHeadroom() throws Exception {
        int n = (PacketContext.HEADROOM - 40 - 8) / 16 + 1;
        assertEquals(30, n);
        harness.load(inner6());
        assertEquals(Verdict.FORWARD, red("segs", segs(n)).process(ctx));
        assertEquals(40 + 8 + 16 * (n - 1) + inner6().bytes().length, harness.l3().length);
        assertEquals("fc000000000000000000000000000001", harness.hexAt(24, 16));
        assertEquals(2 * (n - 1), harness.buf().getUnsignedByte(ctx.l3 + 41));
        assertEquals(n - 1, harness.buf().getUnsignedByte(ctx.l3 + 43));
        assertEquals(n - 2, harness.buf().getUnsignedByte(ctx.l3 + 44));
        harness.load(inner6());
        assertEquals(Verdict.DROP, red("segs", segs(n + 1)).process(ctx));
        assertEquals(DropReason.NO_HEADROOM, ctx.dropReason);
    }

    @Test
    public void innerLongerThanTheFrameIsDropped() throws Exception {
        harness.load(inner6().payloadLength(100));
        assertEquals(Verdict.DROP, red("segs", S1).process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
    }

    @Test
    public void notIpIsDropped() throws Exception {
        harness.load(Packets.fill(40, 3));
        BehaviorInstance in = red("segs", S1);
        Verdict v = in.process(ctx);
        assertEquals(Verdict.DROP, v);
    }

    @Test
    public void randomInputsNeverThrow() throws Exception {
        Random r = new Random(1);
        for (BehaviorInstance in : List.of(red("segs", S1), red("segs", S1 + "," + S2, "hmac", "7"))) {
            for (int i = 0; i < 3000; i++) {
                byte[] m = new byte[r.nextInt(80)];
                r.nextBytes(m);
                harness.load(m);
                assertNotNull(in.process(ctx));
            }
        }
    }
}
