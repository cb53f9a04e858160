package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.FrameDiff;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §1 differential for the route form of H.Encaps.L2 and H.Encaps.L2.Red (RFC 8986 §5.3,
 * §5.4; the kernel's seg6 {@code mode l2encap} and {@code l2encap.red}): the frame H1 sends to
 * the router is pushed back whole (its Ethernet header included) under an outer IPv6 header and
 * SRH with Next Header 143. What H2 receives must equal the kernel's byte for byte, with one
 * normalization: the inner Ethernet header carries the MACs of H1 and of the router's r1 as
 * received, which differ between the two topologies; each is checked against its own MACs and
 * the rest compared exactly.
 */
public class ApplianceL2EncapDifferentialIT {
    private static final String SRC = DifferentialCases.SRC;
    private static final String EGRESS = DifferentialCases.EGRESS;
    private static final int PROTO_ETHERNET = 143;
    private static final int KEY = 77;
    private static final String SECRET = "l2-pseudowire-key";

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("lsk", "lsa");
            rig.awaitKeywords("l2encap", "l2encap.red");
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

    /** A case: the route line, the L3 packet H1 sends, and the outer header + SRH (before the inner frame) H2 must get. */
    private record L2Case(String rule, String line, int ethertype, byte[] input, OuterBuilder outer) {
    }

    /** Builds the RFC outcome around the inner frame (which carries the MACs of the topology at hand). */
    private interface OuterBuilder {
        byte[] around(byte[] innerFrame);
    }

    private static void compare(L2Case c) {
        rig.both(c.line());
        // kernel
        rig.krx.drain();
        byte[] kIn = Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, c.ethertype(), c.input());
        rig.ktx.send(kIn);
        byte[] k = rig.krx.receive(2000, DifferentialCases::forwarded);
        assertNotNull(c.rule() + ": kernel router forwarded nothing", k);
        assertNull(c.rule() + ": kernel output differs from the RFC outcome", FrameDiff.diff(
                Packets.ethernet(rig.kernel.h2Mac, rig.kernel.rH2Mac, 0x86DD, c.outer().around(kIn)), k, false));
        // appliance
        rig.arx.drain();
        byte[] aIn = Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, c.ethertype(), c.input());
        rig.atx.send(aIn);
        byte[] a = rig.arx.receive(2000, DifferentialCases::forwarded);
        assertNotNull(c.rule() + ": appliance forwarded nothing\n" + rig.appliance.app.logTail(20), a);
        assertNull(c.rule() + ": appliance output differs from the RFC outcome", FrameDiff.diff(
                Packets.ethernet(rig.appliance.h2Mac, rig.appliance.appR2Mac, 0x86DD, c.outer().around(aIn)), a,
                false));
        // the two against each other, the MACs of each topology (outer and inner Ethernet headers) blanked
        String diff = FrameDiff.diff(normalized(k), normalized(a), false);
        assertNull(c.rule() + ": appliance output differs from the kernel's (expected = kernel), MACs aside\n" + diff,
                diff);
        assertArrayEquals(c.rule() + ": inner Ethernet header is the frame's as received", Arrays.copyOf(aIn, 14),
                Arrays.copyOfRange(a, innerFrame(a), innerFrame(a) + 14));
    }

    /** @return the index of the inner Ethernet frame in an output frame (after the outer header and SRH, if any) */
    private static int innerFrame(byte[] f) {
        int nh = f[14 + 6] & 0xff;
        return nh == 43 ? 14 + 40 + ((f[14 + 40 + 1] & 0xff) + 1) * 8 : 14 + 40;
    }

    private static byte[] normalized(byte[] f) {
        byte[] n = f.clone();
        Arrays.fill(n, 0, 12, (byte) 0);
        int i = innerFrame(f);
        if (i + 12 <= n.length) {
            Arrays.fill(n, i, i + 12, (byte) 0);
        }
        return n;
    }

    private static byte[] udp6(String dst, String text) {
        return Packets.udp(SRC, dst, 1234, 5678, text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * H.Encaps.L2 of an IPv6 frame: outer source = egress port address, traffic class and flow label
     * of the inner IPv6 header, hop limit = inner - 1, SRH List = S2, S1 with SL 1, Next Header 143.
     */
    @Test
    public void l2encapIpv6Frame() {
        String dst = "fc00:9:1::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, 0x28, 0x12345, udp6(dst, "l2encap v6"));
        compare(new L2Case("H.Encaps.L2 IPv6",
                "ip -6 route add fc00:9:1::/64 encap seg6 mode l2encap segs fc00:2::a,fc00:2::b dev r2", 0x86DD, inner,
                f -> Packets.ipv6(EGRESS, "fc00:2::a", 43, 63, 0x28, 0x12345, Packets.srh(PROTO_ETHERNET, 1, 0, 0,
                        List.of("fc00:2::b", "fc00:2::a"), new byte[0], f))));
    }

    /** H.Encaps.L2 of an IPv4 frame: traffic class and flow label 0 (whatever the TOS), hop limit 64 - 1, TTL untouched. */
    @Test
    public void l2encapIpv4Frame() {
        byte[] inner = Packets.ipv4("10.1.0.5", "10.9.1.1", 17, 33, 0x4243, 0xb8,
                Packets.udp("10.1.0.5", "10.9.1.1", 1, 2, "l2encap v4".getBytes(StandardCharsets.US_ASCII)));
        compare(new L2Case("H.Encaps.L2 IPv4",
                "ip route add 10.9.1.0/24 encap seg6 mode l2encap segs fc00:2::c,fc00:2::d dev r2", 0x0800, inner,
                f -> Packets.ipv6(EGRESS, "fc00:2::c", 43, 63, 0, 0, Packets.srh(PROTO_ETHERNET, 1, 0, 0,
                        List.of("fc00:2::d", "fc00:2::c"), new byte[0], f))));
    }

    /** H.Encaps.L2 with three segments and a low inner hop limit: SL = Last Entry = 2, hop limit 5 - 1. */
    @Test
    public void l2encapThreeSegments() {
        String dst = "fc00:9:2::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 5, 0, 0, udp6(dst, "three"));
        compare(new L2Case("H.Encaps.L2 three segments",
                "ip -6 route add fc00:9:2::/64 encap seg6 mode l2encap segs fc00:2::1:1,fc00:2::1:2,fc00:2::1:3 dev r2",
                0x86DD, inner,
                f -> Packets.ipv6(EGRESS, "fc00:2::1:1", 43, 4, 0, 0, Packets.srh(PROTO_ETHERNET, 2, 0, 0,
                        List.of("fc00:2::1:3", "fc00:2::1:2", "fc00:2::1:1"), new byte[0], f))));
    }

    /** H.Encaps.L2.Red (RFC 8986 §5.4): S1 only in the destination address, List = S3, S2, SL 2, Last Entry 1. */
    @Test
    public void l2encapRedThreeSegments() {
        String dst = "fc00:9:3::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, 0x10, 0xabcde, udp6(dst, "l2encap.red"));
        compare(new L2Case("H.Encaps.L2.Red three segments",
                "ip -6 route add fc00:9:3::/64 encap seg6 mode l2encap.red segs fc00:2::2:1,fc00:2::2:2,fc00:2::2:3 dev r2",
                0x86DD, inner,
                f -> Packets.ipv6(EGRESS, "fc00:2::2:1", 43, 63, 0x10, 0xabcde, Packets.srh(PROTO_ETHERNET, 2, 0, 0,
                        List.of("fc00:2::2:3", "fc00:2::2:2"), new byte[0], f))));
    }

    /** H.Encaps.L2.Red with one segment: no SRH at all, the outer Next Header is 143. */
    @Test
    public void l2encapRedOneSegmentPushesNoSrh() {
        byte[] inner = Packets.ipv4("10.1.0.5", "10.9.4.1", 17, 64, 0x4244, 0,
                Packets.udp("10.1.0.5", "10.9.4.1", 1, 2, "red one".getBytes(StandardCharsets.US_ASCII)));
        compare(new L2Case("H.Encaps.L2.Red one segment",
                "ip route add 10.9.4.0/24 encap seg6 mode l2encap.red segs fc00:2::3:1 dev r2", 0x0800, inner,
                f -> Packets.ipv6(EGRESS, "fc00:2::3:1", PROTO_ETHERNET, 63, 0, 0, f)));
    }

    /** The HMAC TLV of RFC 8754 §2.1.2 (source, Last Entry, Flags, key id, List[0..LE]) computed with javax.crypto.Mac. */
    private static byte[] hmacTlv(String src, List<String> list0First) {
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(list0First.size() - 1, 0x08), Packets.u32(KEY));
        for (String s : list0First) {
            text = Packets.cat(text, Packets.ip6(s));
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32(KEY), mac.doFinal(text));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** H.Encaps.L2 with {@code hmac KEYID}: the SRH carries the HMAC flag and TLV, signed over the egress source. */
    @Test
    public void l2encapWithHmac() {
        String dst = "fc00:9:5::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, 0, 0x54321, udp6(dst, "l2encap hmac"));
        List<String> list = List.of("fc00:2::5:2", "fc00:2::5:1");
        compare(new L2Case("H.Encaps.L2 hmac",
                "ip -6 route add fc00:9:5::/64 encap seg6 mode l2encap segs fc00:2::5:1,fc00:2::5:2 hmac " + KEY
                        + " dev r2", 0x86DD, inner,
                f -> Packets.ipv6(EGRESS, "fc00:2::5:1", 43, 63, 0, 0x54321, Packets.srh(PROTO_ETHERNET, 1, 0x08, 0,
                        list, hmacTlv(EGRESS, list), f))));
    }

    /** H.Encaps.L2.Red with one segment and {@code hmac}: the full, signed SRH is kept (as the kernel does). */
    @Test
    public void l2encapRedOneSegmentWithHmacKeepsTheSignedSrh() {
        byte[] inner = Packets.ipv4("10.1.0.5", "10.9.6.1", 17, 64, 0x4245, 0,
                Packets.udp("10.1.0.5", "10.9.6.1", 1, 2, "red hmac".getBytes(StandardCharsets.US_ASCII)));
        List<String> list = List.of("fc00:2::6:1");
        compare(new L2Case("H.Encaps.L2.Red hmac one segment",
                "ip route add 10.9.6.0/24 encap seg6 mode l2encap.red segs fc00:2::6:1 hmac " + KEY + " dev r2", 0x0800,
                inner, f -> Packets.ipv6(EGRESS, "fc00:2::6:1", 43, 63, 0, 0, Packets.srh(PROTO_ETHERNET, 0, 0x08, 0,
                        list, hmacTlv(EGRESS, list), f))));
    }
}
