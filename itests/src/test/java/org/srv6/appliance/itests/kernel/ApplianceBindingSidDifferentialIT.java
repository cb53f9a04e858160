package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.FrameDiff;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §1 differential for the binding SIDs: End.B6.Encaps (RFC 8986 §4.13) through a kernel
 * router and through the appliance, both given the same {@code ip} lines, must give H2 the same
 * bytes (the End step on the received SRH, then the outer IPv6 header from {@code ip sr tunsrc}
 * and the policy's SRH, with and without an HMAC TLV). End.B6 (SPEC D4, End.B6.Insert, where the
 * kernel departs from the text) and End.B6.Encaps.Red (§4.14, which the kernel lacks) are held
 * against bytes written from the texts.
 */
public class ApplianceBindingSidDifferentialIT {
    private static final String SRC = DifferentialCases.SRC;
    private static final String FINAL = DifferentialCases.FINAL;
    private static final int FLOW = DifferentialCases.FLOW;
    private static final String TUNSRC = "fc00:5::b6";
    private static final String SECRET = "binding-sid-secret";
    private static final int KEY = 7;

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("bsk", "bsa");
            rig.awaitKeywords("End.B6", "End.B6.Encaps", "End.B6.Encaps.Red");
            DifferentialCases.BASE.forEach(rig::both);
            rig.both("ip sr tunsrc set " + TUNSRC);
            rig.kernel.router("printf %s " + SECRET + " | ip sr hmac set " + KEY + " sha256");
            rig.appliance.app.ok("ip sr hmac set " + KEY + " sha256 " + SECRET);
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(rig);
    }

    @Before
    public void drain() {
        rig.drain();
    }

    private static byte[] udp6(String dst) {
        return Packets.udp(SRC, dst, 1234, 5678, "binding sid".getBytes(StandardCharsets.US_ASCII));
    }

    private static String sidLine(String sid, String action, String params) {
        return "ip -6 route add " + sid + "/128 encap seg6local action " + action + " srh segs " + params + " dev r1";
    }

    /** The HMAC TLV (RFC 8754 §2.1.2, iproute2's layout), its field computed with javax.crypto.Mac. */
    private static byte[] hmacTlv(String src, int lastEntry, List<String> list0) throws Exception {
        byte[] segs = new byte[0];
        for (String s : list0) {
            segs = Packets.cat(segs, Packets.ip6(s));
        }
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(lastEntry, 0x08), Packets.u32(KEY), segs);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32(KEY), mac.doFinal(text));
    }

    /**
     * §4.13 with the received SRH's last hop (SL 1 -> 0): the inner packet keeps hop limit 64, the
     * outer one gets the inner's minus the forwarding step, traffic class and flow label copied.
     */
    @Test
    public void endB6EncapsLastSegment() {
        String sid = "fc00:100::b1";
        List<String> inSegs = List.of(FINAL, sid);
        byte[] advanced = Packets.ipv6(SRC, FINAL, 43, 64, 0x28, FLOW,
                Packets.srh(17, 0, 0, 0, inSegs, new byte[0], udp6(FINAL)));
        rig.compare(new Case("End.B6.Encaps", List.of(sidLine(sid, "End.B6.Encaps", "fc00:2::1:1,fc00:2::1:2")), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 64, 0x28, FLOW, Packets.srh(17, 1, 0, 0, inSegs, new byte[0], udp6(FINAL))),
                Packets.ipv6(TUNSRC, "fc00:2::1:1", 43, 63, 0x28, FLOW,
                        Packets.srh(41, 1, 0, 0, List.of("fc00:2::1:2", "fc00:2::1:1"), new byte[0], advanced))));
    }

    /** §4.13 in the middle of a longer received SRH (SL 2 -> 1, TLVs and tag kept), a three-segment policy. */
    @Test
    public void endB6EncapsReceivedSrhWithMoreSegments() {
        String sid = "fc00:100::b2";
        List<String> inSegs = List.of(FINAL, "fc00:2::9:9", sid);
        byte[] tlvs = Packets.cat(Packets.tlv(124, Packets.fill(12, 9)), Packets.padN(2));
        byte[] advanced = Packets.ipv6(SRC, "fc00:2::9:9", 43, 17, 0, FLOW,
                Packets.srh(17, 1, 0, 0x4242, inSegs, tlvs, udp6(FINAL)));
        rig.compare(new Case("End.B6.Encaps, SRH with more segments",
                List.of(sidLine(sid, "End.B6.Encaps", "fc00:2::2:1,fc00:2::2:2,fc00:2::2:3")), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 17, 0, FLOW, Packets.srh(17, 2, 0, 0x4242, inSegs, tlvs, udp6(FINAL))),
                Packets.ipv6(TUNSRC, "fc00:2::2:1", 43, 16, 0, FLOW,
                        Packets.srh(41, 2, 0, 0, List.of("fc00:2::2:3", "fc00:2::2:2", "fc00:2::2:1"), new byte[0],
                                advanced))));
    }

    /** §4.13 with {@code hmac KEYID}: the pushed SRH carries the HMAC TLV signed over the tunnel source, as the kernel's seg6_push_hmac. */
    @Test
    public void endB6EncapsWithHmac() throws Exception {
        String sid = "fc00:100::b3";
        List<String> inSegs = List.of(FINAL, sid);
        List<String> policy = List.of("fc00:2::3:2", "fc00:2::3:1");
        byte[] advanced = Packets.ipv6(SRC, FINAL, 43, 40, 0, FLOW,
                Packets.srh(17, 0, 0, 0, inSegs, new byte[0], udp6(FINAL)));
        rig.compare(new Case("End.B6.Encaps hmac",
                List.of(sidLine(sid, "End.B6.Encaps", "fc00:2::3:1,fc00:2::3:2 hmac " + KEY)), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 40, 0, FLOW, Packets.srh(17, 1, 0, 0, inSegs, new byte[0], udp6(FINAL))),
                Packets.ipv6(TUNSRC, "fc00:2::3:1", 43, 39, 0, FLOW,
                        Packets.srh(41, 1, 0x08, 0, policy, hmacTlv(TUNSRC, 1, policy), advanced))));
    }

    /** SL 0 at End.B6.Encaps: the kernel's SRH lookup skips the SRH and drops; the appliance too, counted as sl-zero. */
    @Test
    public void endB6EncapsSegmentsLeftZeroIsDroppedByBoth() {
        String sid = "fc00:100::b4";
        rig.both(sidLine(sid, "End.B6.Encaps", "fc00:2::4:1"));
        byte[] input = Packets.ipv6(SRC, sid, 43, 64, 0, FLOW,
                Packets.srh(17, 0, 0, 0, List.of(sid), new byte[0], udp6(sid)));
        rig.ktx.send(Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, 0x86DD, input));
        assertNull("kernel forwarded it", rig.krx.receive(1000, DifferentialCases::forwarded));
        long before = rig.appliance.dropCounters().getOrDefault("sl-zero", 0L);
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, input));
        assertNull("appliance forwarded it", rig.arx.receive(1000, DifferentialCases::forwarded));
        assertEquals("sl-zero drops\n" + rig.appliance.app.ok("srv6:stats"), before + 1,
                (long) rig.appliance.dropCounters().getOrDefault("sl-zero", 0L));
    }

    /** Sends {@code input} through the appliance only and compares H2's frame with {@code expected} (SPEC where the kernel differs). */
    private static void applianceGives(String rule, byte[] input, byte[] expected) {
        rig.arx.drain();
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, input));
        byte[] a = rig.arx.receive(2000, DifferentialCases::forwarded);
        assertNotNull(rule + ": appliance forwarded nothing\n" + rig.appliance.app.logTail(20), a);
        String diff = FrameDiff.diff(Packets.ethernet(rig.appliance.h2Mac, rig.appliance.appR2Mac, 0x86DD, expected), a, false);
        assertNull(rule + ": appliance output differs from the text's outcome\n" + diff, diff);
    }

    /**
     * SPEC D4: End.B6 is End.B6.Insert: End step (SL 2 -> 1, DA = fc00:2::9:9), then the policy's
     * SRH inserted after the IPv6 header with List[0] = that DA; DA = the policy's first segment.
     */
    @Test
    public void endB6InsertsThePolicyAfterTheEndStep() {
        String sid = "fc00:100::b5";
        rig.appliance.app.ok(sidLine(sid, "End.B6", "fc00:2::5:1,fc00:2::5:2"));
        List<String> inSegs = List.of(FINAL, "fc00:2::9:9", sid);
        byte[] inner = Packets.srh(17, 1, 0, 0, inSegs, new byte[0], udp6(FINAL));
        applianceGives("End.B6 (End.B6.Insert)",
                Packets.ipv6(SRC, sid, 43, 30, 0, FLOW, Packets.srh(17, 2, 0, 0, inSegs, new byte[0], udp6(FINAL))),
                Packets.ipv6(SRC, "fc00:2::5:1", 43, 29, 0, FLOW, Packets.srh(43, 2, 0, 0,
                        List.of("fc00:2::9:9", "fc00:2::5:2", "fc00:2::5:1"), new byte[0], inner)));
    }

    /** RFC 8986 §4.14: the reduced SRH leaves the first SID out (List[0] = S3, List[1] = S2, SL 2); one segment: no SRH. */
    @Test
    public void endB6EncapsRed() {
        String sid = "fc00:100::b6";
        String one = "fc00:100::b7";
        rig.appliance.app.ok(sidLine(sid, "End.B6.Encaps.Red", "fc00:2::6:1,fc00:2::6:2,fc00:2::6:3"));
        rig.appliance.app.ok(sidLine(one, "End.B6.Encaps.Red", "fc00:2::7:1"));
        List<String> inSegs = List.of(FINAL, sid);
        byte[] advanced = Packets.ipv6(SRC, FINAL, 43, 64, 0, FLOW, Packets.srh(17, 0, 0, 0, inSegs, new byte[0], udp6(FINAL)));
        applianceGives("End.B6.Encaps.Red",
                Packets.ipv6(SRC, sid, 43, 64, 0, FLOW, Packets.srh(17, 1, 0, 0, inSegs, new byte[0], udp6(FINAL))),
                Packets.ipv6(TUNSRC, "fc00:2::6:1", 43, 63, 0, FLOW,
                        Packets.srh(41, 2, 0, 0, List.of("fc00:2::6:3", "fc00:2::6:2"), new byte[0], advanced)));
        List<String> oneSegs = List.of(FINAL, one);
        byte[] advancedOne = Packets.ipv6(SRC, FINAL, 43, 64, 0, FLOW, Packets.srh(17, 0, 0, 0, oneSegs, new byte[0], udp6(FINAL)));
        applianceGives("End.B6.Encaps.Red, one segment",
                Packets.ipv6(SRC, one, 43, 64, 0, FLOW, Packets.srh(17, 1, 0, 0, oneSegs, new byte[0], udp6(FINAL))),
                Packets.ipv6(TUNSRC, "fc00:2::7:1", 41, 63, 0, FLOW, advancedOne));
    }

    /** A bad binding SID line (unknown key, more segments than an HMAC covers) is one error line and adds nothing. */
    @Test
    public void badLinesAreOneErrorLineAndChangeNothing() {
        String before = rig.appliance.app.ok("ip -6 route show");
        StringBuilder segs = new StringBuilder("fc00:2::f:1");
        for (int i = 2; i <= 15; i++) {
            segs.append(",fc00:2::f:").append(Integer.toHexString(i));
        }
        for (String line : List.of(sidLine("fc00:100::bf", "End.B6.Encaps", "fc00:2::f:1 hmac 99"),
                sidLine("fc00:100::bf", "End.B6.Encaps", segs + " hmac " + KEY))) {
            Netns.Result r = rig.appliance.app.client(line);
            String err = r.stderr().trim();
            assertEquals(line + " must be refused: " + r.stdout() + err, true, r.exitCode() != 0);
            assertEquals("one line: " + err, -1, err.indexOf('\n'));
            assertEquals(err, true, err.contains("hmac"));
        }
        assertEquals(before, rig.appliance.app.ok("ip -6 route show"));
    }
}
