package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §1 differential for the transit mode encap.red (H.Encaps.Red, RFC 8986 §5.2): the kernel's
 * seg6_do_srh_encap_red and the appliance get the same route and the same packet, and H2 must
 * receive the same bytes from both (each also checked against the RFC outcome written here): 1, 2
 * and 3 segments, IPv6 and IPv4 payloads, the route's own {@code tunsrc}, {@code hmac KEYID}. The
 * route {@code tunsrc} of {@code encap} is compared too.
 *
 * <p>The route's own {@code tunsrc} is the appliance's (SPEC §1.1: route tunsrc, else ip sr
 * tunsrc, else the egress port's address): neither this kernel (6.18 ignores a seg6 source
 * attribute) nor iproute2 6.1 has it, so for those cases the kernel router gets the same source
 * the only way it can, {@code ip sr tunsrc set A}, and the route without tunsrc, while the
 * appliance gets the route with {@code tunsrc A} (and its own ip sr tunsrc unset or different).
 */
public class ApplianceEncapRedDifferentialIT {
    private static final String SRC = DifferentialCases.SRC;
    private static final String EGRESS = DifferentialCases.EGRESS;
    private static final String TUNSRC = "fc00:aa::31";
    private static final int KEY = 31;
    private static final String SECRET = "encap-red-secret";

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("trk", "tra");
            rig.awaitKeywords("encap", "encap.red");
            DifferentialCases.BASE.forEach(rig::both);
            // iproute2 reads the secret from the terminal, else from stdin
            rig.kernel.router("printf %s " + SECRET + " | ip sr hmac set " + KEY + " sha256 >/dev/null");
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

    private static byte[] inner6(String dst, int hopLimit, int tc, int flow) {
        return Packets.ipv6(SRC, dst, 17, hopLimit, tc, flow,
                Packets.udp(SRC, dst, 1234, 5678, "encap.red differential".getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] inner4(String dst) {
        return Packets.ipv4("10.1.0.5", dst, 17, 30, 0x3131, 0xb8,
                Packets.udp("10.1.0.5", dst, 7, 8, "encap.red v4".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Segments fc00:2::P:1 … fc00:2::P:n (all routed to H2 by BASE). */
    private static List<String> segs(int p, int n) {
        List<String> s = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            s.add("fc00:2::" + Integer.toHexString(p) + ":" + i);
        }
        return s;
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    /** The HMAC TLV of RFC 8754 §2.1.2 over source, Last Entry, Flags (HMAC), key id and List[0..LE], with javax.crypto.Mac. */
    private static byte[] hmacTlv(String src, List<String> list0First) throws Exception {
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(list0First.size() - 1, 0x08), Packets.u32(KEY));
        for (String s : list0First) {
            text = Packets.cat(text, Packets.ip6(s));
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32(KEY), mac.doFinal(text));
    }

    /**
     * What RFC 8986 §5.2 pushes with the kernel's conventions: DA = S1, the SRH holds S2…Sn (no
     * SRH for one segment unless signed; then the full one), outer hop limit inner − 1 (64 − 1 for
     * IPv4), traffic class and flow label copied (0 for IPv4).
     */
    private static byte[] reduced(String src, List<String> segs, boolean hmac, byte[] inner) throws Exception {
        boolean v4 = (inner[0] & 0xf0) == 0x40;
        int nh = v4 ? 4 : 41;
        int hl = v4 ? 63 : (inner[7] & 0xff) - 1;
        int tc = v4 ? 0 : ((inner[0] & 0x0f) << 4) | ((inner[1] & 0xf0) >>> 4);
        int flow = v4 ? 0 : ((inner[1] & 0x0f) << 16) | ((inner[2] & 0xff) << 8) | (inner[3] & 0xff);
        int n = segs.size();
        if (n == 1 && !hmac) {
            return Packets.ipv6(src, segs.get(0), nh, hl, tc, flow, inner);
        }
        List<String> list = n == 1 ? segs : reversed(segs.subList(1, n));
        byte[] tlvs = hmac ? hmacTlv(src, list) : new byte[0];
        return Packets.ipv6(src, segs.get(0), 43, hl, tc, flow, Packets.srh(nh, n - 1, hmac ? 0x08 : 0, 0, list, tlvs, inner));
    }

    private static String route(String prefix, String mode, String tunsrc, List<String> segs, boolean hmac) {
        return (prefix.contains(":") ? "ip -6" : "ip") + " route add " + prefix + " encap seg6 mode " + mode
                + (tunsrc == null ? "" : " tunsrc " + tunsrc) + " segs " + String.join(",", segs)
                + (hmac ? " hmac " + KEY : "") + " dev r2";
    }

    /**
     * One route on both routers, then the packet through both. With a route tunsrc the kernel gets
     * the route without it and {@code ip sr tunsrc set} that address for the time of the case.
     */
    private static void compare(String rule, String prefix, String mode, String tunsrc, List<String> segs, boolean hmac,
            byte[] inner, byte[] expected) {
        rig.kernel.router(route(prefix, mode, null, segs, hmac));
        rig.appliance.app.ok(route(prefix, mode, tunsrc, segs, hmac));
        if (tunsrc != null) {
            rig.kernel.router("ip sr tunsrc set " + tunsrc);
        }
        try {
            rig.compare(new Case(rule, List.of(), (inner[0] & 0xf0) == 0x40 ? 0x0800 : 0x86DD, inner, expected));
        } finally {
            if (tunsrc != null) {
                rig.kernel.router("ip sr tunsrc set ::");
            }
        }
    }

    private static void red(String rule, int p, int n, boolean v4, String tunsrc, boolean hmac) throws Exception {
        String prefix = v4 ? "10." + p + ".0.0/24" : "fc00:" + Integer.toHexString(p) + "::/64";
        byte[] inner = v4 ? inner4("10." + p + ".0.1") : inner6("fc00:" + Integer.toHexString(p) + "::1", 64, 0x2c, 0x31f0f);
        List<String> s = segs(p, n);
        compare(rule, prefix, "encap.red", tunsrc, s, hmac, inner, reduced(tunsrc == null ? EGRESS : tunsrc, s, hmac, inner));
    }

    @Test
    public void oneSegmentIpv6HasNoSrh() throws Exception {
        red("encap.red 1 segment IPv6", 0x31, 1, false, null, false);
    }

    @Test
    public void twoSegmentsIpv6() throws Exception {
        red("encap.red 2 segments IPv6", 0x32, 2, false, null, false);
    }

    @Test
    public void threeSegmentsIpv6() throws Exception {
        red("encap.red 3 segments IPv6", 0x33, 3, false, null, false);
    }

    @Test
    public void oneSegmentIpv4HasNoSrh() throws Exception {
        red("encap.red 1 segment IPv4", 34, 1, true, null, false);
    }

    @Test
    public void twoSegmentsIpv4() throws Exception {
        red("encap.red 2 segments IPv4", 35, 2, true, null, false);
    }

    @Test
    public void threeSegmentsIpv4() throws Exception {
        red("encap.red 3 segments IPv4", 36, 3, true, null, false);
    }

    @Test
    public void routeTunsrcOneSegmentIpv6() throws Exception {
        red("encap.red tunsrc 1 segment IPv6", 0x37, 1, false, TUNSRC, false);
    }

    @Test
    public void routeTunsrcTwoSegmentsIpv6() throws Exception {
        red("encap.red tunsrc 2 segments IPv6", 0x38, 2, false, TUNSRC, false);
    }

    @Test
    public void routeTunsrcThreeSegmentsIpv4() throws Exception {
        red("encap.red tunsrc 3 segments IPv4", 39, 3, true, TUNSRC, false);
    }

    @Test
    public void hmacOneSegmentIpv6KeepsTheFullSrh() throws Exception {
        red("encap.red hmac 1 segment IPv6", 0x41, 1, false, null, true);
    }

    @Test
    public void hmacTwoSegmentsIpv6() throws Exception {
        red("encap.red hmac 2 segments IPv6", 0x42, 2, false, null, true);
    }

    @Test
    public void hmacThreeSegmentsIpv4() throws Exception {
        red("encap.red hmac 3 segments IPv4", 43, 3, true, null, true);
    }

    @Test
    public void hmacWithRouteTunsrcThreeSegmentsIpv6() throws Exception {
        red("encap.red hmac tunsrc 3 segments IPv6", 0x44, 3, false, TUNSRC, true);
    }

    /**
     * A signed route added before ip sr tunsrc is set: the kernel signs each packet with the source
     * of the moment; the appliance's instance, re-created when the source changes, must sign the
     * same bytes.
     */
    @Test
    public void hmacFollowsSrTunsrcSetAfterTheRoute() throws Exception {
        List<String> s = segs(0x4c, 2);
        rig.both(route("fc00:4c::/64", "encap.red", null, s, true));
        rig.both("ip sr tunsrc set fc00:bb::4c");
        try {
            byte[] inner = inner6("fc00:4c::1", 33, 0x10, 0x4c4c);
            rig.compare(new Case("encap.red hmac, ip sr tunsrc set after the route", List.of(), 0x86DD, inner,
                    reduced("fc00:bb::4c", s, true, inner)));
        } finally {
            rig.both("ip sr tunsrc set ::");
        }
    }

    /** The route tunsrc of encap (T.Encaps, RFC 8986 §5.1): the full SRH, the route's source. */
    @Test
    public void encapRouteTunsrcIpv6() throws Exception {
        List<String> s = segs(0x45, 2);
        byte[] inner = inner6("fc00:45::1", 20, 0, 0x45);
        compare("encap tunsrc IPv6", "fc00:45::/64", "encap", TUNSRC, s, false, inner,
                Packets.ipv6(TUNSRC, s.get(0), 43, 19, 0, 0x45, Packets.srh(41, 1, 0, 0, reversed(s), new byte[0], inner)));
    }

    @Test
    public void encapRouteTunsrcIpv4() throws Exception {
        List<String> s = segs(46, 1);
        byte[] inner = inner4("10.46.0.1");
        compare("encap tunsrc IPv4", "10.46.0.0/24", "encap", TUNSRC, s, false, inner,
                Packets.ipv6(TUNSRC, s.get(0), 43, 63, 0, 0, Packets.srh(4, 0, 0, 0, s, new byte[0], inner)));
    }

    /** The appliance's route tunsrc wins over its ip sr tunsrc; without one, ip sr tunsrc is the source on both. */
    @Test
    public void routeTunsrcWinsOverSrTunsrc() throws Exception {
        rig.appliance.app.ok("ip sr tunsrc set fc00:bb::47");
        try {
            red("encap.red tunsrc over ip sr tunsrc", 0x47, 2, false, TUNSRC, false);
            rig.kernel.router("ip sr tunsrc set fc00:bb::47");
            List<String> s = segs(0x48, 3);
            byte[] inner = inner6("fc00:48::1", 64, 0x2c, 0x31f0f);
            compare("encap.red with ip sr tunsrc", "fc00:48::/64", "encap.red", null, s, false, inner,
                    reduced("fc00:bb::47", s, false, inner));
        } finally {
            rig.appliance.app.ok("ip sr tunsrc set ::");
            rig.kernel.router("ip sr tunsrc set ::");
        }
    }

    private static List<String> shown(String family) {
        return Arrays.stream(rig.appliance.app.ok("ip " + family + " route show").split("\n"))
                .map(String::trim).filter(l -> l.contains("encap seg6")).sorted().toList();
    }

    /** What ip route show prints for encap.red (tunsrc, hmac) is accepted back unchanged. */
    @Test
    public void showIsPasteable() {
        String v6 = "fc00:49::/64 encap seg6 mode encap.red tunsrc " + TUNSRC + " segs fc00:2::49:1,fc00:2::49:2 hmac "
                + KEY + " dev r2 metric 1024";
        String v4 = "10.49.0.0/24 encap seg6 mode encap.red tunsrc " + TUNSRC + " segs fc00:2::49:1 dev r2";
        String e6 = "fc00:4a::/64 encap seg6 mode encap tunsrc " + TUNSRC + " segs fc00:2::4a:1 dev r2 metric 1024";
        rig.appliance.app.ok("ip -6 route add fc00:49::/64 encap seg6 mode encap.red segs fc00:2::49:1,fc00:2::49:2"
                + " tunsrc " + TUNSRC + " hmac " + KEY + " dev r2");
        rig.appliance.app.ok("ip route add 10.49.0.0/24 encap seg6 mode encap.red tunsrc " + TUNSRC + " segs fc00:2::49:1 dev r2");
        rig.appliance.app.ok("ip -6 route add fc00:4a::/64 encap seg6 mode encap segs fc00:2::4a:1 tunsrc " + TUNSRC + " dev r2");
        List<String> six = shown("-6");
        List<String> four = shown("-4");
        assertTrue(six.toString(), six.contains(v6));
        assertTrue(six.toString(), six.contains(e6));
        assertTrue(four.toString(), four.contains(v4));
        for (String l : List.of(v6, e6, v4)) {
            String fam = l.startsWith("10.") ? "-4" : "-6";
            rig.appliance.app.ok("ip " + fam + " route del " + l.substring(0, l.indexOf(' ')));
            assertFalse(l, shown(fam).contains(l));
            rig.appliance.app.ok("ip " + fam + " route add " + l);
        }
        assertEquals(six, shown("-6"));
        assertEquals(four, shown("-4"));
    }

    /** A refused route prints one Error line and changes nothing. */
    private static void refused(String line, String error) {
        String config = rig.appliance.app.ok("srv6:config show");
        List<String> six = shown("-6");
        List<String> four = shown("-4");
        Netns.Result r = rig.appliance.app.client(line);
        assertNotEquals(line, 0, r.exitCode());
        String out = (r.stderr() + r.stdout()).trim();
        assertFalse(line + ": one line, got\n" + out, out.contains("\n"));
        assertTrue(line + ": " + out, out.endsWith(error));
        assertEquals(line + " changed the running configuration", config, rig.appliance.app.ok("srv6:config show"));
        assertEquals(six, shown("-6"));
        assertEquals(four, shown("-4"));
    }

    @Test
    public void badRoutesAreRefusedWithOneLine() {
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 128; i++) {
            many.add("fc00:2::4b:" + Integer.toHexString(i));
        }
        refused("ip -6 route add fc00:4b::/64 encap seg6 mode encap.red segs " + String.join(",", many) + " dev r2",
                "encap.red: segs takes at most 127 segments");
        refused("ip -6 route add fc00:4b::/64 encap seg6 mode encap.red segs fc00:2::4b:1 hmac 99 dev r2",
                "hmac key 99 is not set; expected ip sr hmac set 99 sha1|sha256 SECRET first");
        refused("ip -6 route add fc00:4b::/64 encap seg6 mode encap.red tunsrc 10.0.0.1 segs fc00:2::4b:1 dev r2",
                "encap.red: tunsrc needs an IPv6 address, got '10.0.0.1'");
        refused("ip route add 10.75.0.0/24 encap seg6 mode encap.red segs " + String.join(",", many.subList(0, 16))
                + " hmac " + KEY + " dev r2",
                "encap.red: segs with hmac takes at most 15 segments (the reduced SRH signs 14), not 16");
    }
}
