package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.HmacTlv;
import org.srv6.appliance.testkit.Packets;

/**
 * SRH HMAC (RFC 8754 §2.1.2) against the kernel: the TLV {@code encap … hmac KEYID} and
 * {@code inline … hmac KEYID} push is byte for byte the kernel's (and what javax.crypto.Mac computes
 * over the kernel's text); the kernel, as a SID with {@code seg6_require_hmac} 1 or 0, accepts what
 * the appliance signs only with the same secret; the appliance, as a SID with {@code ip sr hmac
 * policy} 1 or 0, accepts what the kernel signs only with the same secret and counts what it drops.
 *
 * <p>iproute2's {@code ip sr hmac set ID ALGO} reads the secret with getpass: from the terminal if
 * there is one, else from stdin. It is run under {@code setsid} (no controlling terminal) with the
 * secret piped in, then checked with {@code ip sr hmac show}.
 */
public class ApplianceHmacDifferentialIT {
    private static final String SRC = DifferentialCases.SRC;
    private static final String EGRESS = DifferentialCases.EGRESS;
    private static final String SECRET = "s3cret";
    private static final String OTHER = "0ther";

    /** The kernel SID on the appliance topology's H2 (a), fed by the appliance's encap route to it. */
    private static final String H2_SID = "fc00:2::d6";
    /** An address of H2 the decapsulated packets are for. */
    private static final String H2_INNER = "fc00:9:5::1";
    /** The appliance's SID (b), fed by the kernel's encap routes on H1. */
    private static final String APP_SID = "fc00:100::d6";
    private static final String SIGNED_DST = "fc00:9:7::1";
    private static final String UNSIGNED_DST = "fc00:9:8::1";

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("hmk", "hma");
            rig.awaitKeywords("encap", "inline", "End.DT6");
            DifferentialCases.BASE.forEach(rig::both);
            for (Netns ns : List.of(rig.kernel.r, rig.appliance.h1, rig.appliance.h2)) {
                kernelKey(ns, 7, "sha256", SECRET);
                kernelKey(ns, 8, "sha1", OTHER);
            }
            rig.appliance.app.ok("ip sr hmac set 7 sha256 " + SECRET);
            rig.appliance.app.ok("ip sr hmac set 8 sha1 " + OTHER);
            Netns h2 = rig.appliance.h2;
            h2.sh("sysctl -qw net.ipv6.conf.all.forwarding=1 && ip -6 addr add " + H2_INNER + "/128 dev lo"
                    + " && ip -6 route add " + H2_SID + "/128 encap seg6local action End.DT6 table 254 count dev r2");
            rig.appliance.app.ok("ip -6 route add fc00:9:5::/64 encap seg6 mode encap segs " + H2_SID
                    + " hmac 7 dev r2");
            rig.appliance.app.ok("ip -6 route add fc00:9:6::/64 encap seg6 mode encap segs " + H2_SID + " dev r2");
            rig.appliance.app.ok("ip -6 route add " + APP_SID + "/128 encap seg6local action End.DT6 table 254 dev r1");
            // the decapsulated pings go on to H2
            rig.appliance.app.ok("ip -6 route add fc00:9:7::/64 via fc00:23::3 dev r2");
            rig.appliance.app.ok("ip -6 route add fc00:9:8::/64 via fc00:23::3 dev r2");
            Netns h1 = rig.appliance.h1;
            h1.sh("ip -6 route add fc00:100::/64 via fc00:12::2 dev r1"
                    + " && ip -6 route add fc00:9:7::/64 encap seg6 mode encap segs " + APP_SID + " hmac 7 dev r1"
                    + " && ip -6 route add fc00:9:8::/64 encap seg6 mode encap segs " + APP_SID + " dev r1");
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

    /** {@code ip sr hmac set} in a kernel namespace, the secret on stdin and no terminal. */
    private static void kernelKey(Netns ns, int id, String algorithm, String secret) {
        ns.sh("printf '%s\\n' '" + secret + "' | setsid -w ip sr hmac set " + id + " " + algorithm);
        String show = ns.exec("ip", "sr", "hmac", "show").check().stdout();
        assertTrue(ns.name() + ": " + show, show.contains("hmac " + id + " algo " + algorithm + " secret \"" + secret + "\""));
    }

    private static byte[] udp6(String dst) {
        return Packets.udp(SRC, dst, 1234, 5678, "hmac differential".getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ the TLV's bytes

    /** encap … hmac: the outer source, Last Entry, Flags, Key ID and the segments are signed. */
    private static Case encapHmac(String algorithm, int keyId, String secret, String prefix, String dst) {
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, 0x28, 0x12345, udp6(dst));
        byte[] tlv = HmacTlv.tlv(algorithm, secret.getBytes(StandardCharsets.UTF_8), keyId, EGRESS, 0x08,
                "fc00:2::b", "fc00:2::a");
        return new Case("T.Encaps hmac " + algorithm,
                List.of("ip -6 route add " + prefix + " encap seg6 mode encap segs fc00:2::a,fc00:2::b hmac " + keyId
                        + " dev r2"), 0x86DD,
                inner,
                Packets.ipv6(EGRESS, "fc00:2::a", 43, 63, 0x28, 0x12345,
                        Packets.srh(41, 1, 0x08, 0, List.of("fc00:2::b", "fc00:2::a"), tlv, inner)));
    }

    @Test
    public void encapHmacSha256IsTheKernels() {
        rig.compare(encapHmac("sha256", 7, SECRET, "fc00:9:1::/64", "fc00:9:1::1"));
    }

    @Test
    public void encapHmacSha1IsTheKernels() {
        rig.compare(encapHmac("sha1", 8, OTHER, "fc00:9:2::/64", "fc00:9:2::1"));
    }

    /** inline … hmac: signed over the packet's own source and Segment List[0] = its original destination. */
    @Test
    public void inlineHmacIsTheKernels() {
        String dst = "fc00:9:3::1";
        byte[] tlv = HmacTlv.tlv("sha256", SECRET.getBytes(StandardCharsets.UTF_8), 7, SRC, 0x08,
                dst, "fc00:2::f", "fc00:2::e");
        rig.compare(new Case("T.Insert hmac",
                List.of("ip -6 route add fc00:9:3::/64 encap seg6 mode inline segs fc00:2::e,fc00:2::f hmac 7 dev r2"),
                0x86DD,
                Packets.ipv6(SRC, dst, 17, 64, 0x28, 0x12345, udp6(dst)),
                Packets.ipv6(SRC, "fc00:2::e", 43, 63, 0x28, 0x12345,
                        Packets.srh(17, 2, 0x08, 0, List.of(dst, "fc00:2::f", "fc00:2::e"), tlv, udp6(dst)))));
    }

    // ------------------------------------------------------------------ (a) the kernel verifies

    private static final Pattern COUNT = Pattern.compile("packets (\\d+) bytes \\d+ errors (\\d+)");

    /** @return {packets, errors} of the kernel SID on H2 */
    private static long[] h2Counters() {
        String s = rig.appliance.h2.exec("ip", "-s", "-6", "route", "show", H2_SID).check().stdout();
        Matcher m = COUNT.matcher(s);
        assertTrue("no counters in: " + s, m.find());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /**
     * Sends a packet into the appliance towards {@code dst} (encapsulated to H2's SID) and waits
     * until H2's SID counted it: {@code accepted} as a packet, else as an error.
     */
    private static void throughKernelSid(String what, String dst, boolean accepted) throws InterruptedException {
        long[] before = h2Counters();
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD,
                Packets.ipv6(SRC, dst, 17, 64, 0, udp6(dst))));
        long[] after = before;
        for (int i = 0; i < 100 && Arrays.equals(after, before); i++) {
            Thread.sleep(20);
            after = h2Counters();
        }
        assertEquals(what + ": kernel SID errors (before " + Arrays.toString(before) + ")",
                before[1] + (accepted ? 0 : 1), after[1]);
        assertEquals(what + ": kernel SID packets", before[0] + (accepted ? 1 : 0), after[0]);
    }

    private static void h2Policy(int policy) {
        rig.appliance.h2.sh("sysctl -qw net.ipv6.conf.r2.seg6_require_hmac=" + policy);
    }

    @Test
    public void kernelSidVerifiesWhatTheApplianceSigns() throws Exception {
        try {
            h2Policy(1);
            throughKernelSid("policy 1, same secret", H2_INNER, true);
            throughKernelSid("policy 1, no HMAC", "fc00:9:6::1", false);
            h2Policy(0);
            throughKernelSid("policy 0, same secret", H2_INNER, true);
            throughKernelSid("policy 0, no HMAC", "fc00:9:6::1", true);
            kernelKey(rig.appliance.h2, 7, "sha256", "another");
            throughKernelSid("policy 0, another secret", H2_INNER, false);
            h2Policy(1);
            throughKernelSid("policy 1, another secret", H2_INNER, false);
        } finally {
            kernelKey(rig.appliance.h2, 7, "sha256", SECRET);
            h2Policy(0);
        }
    }

    // ------------------------------------------------------------------ (b) the appliance verifies

    private static Predicate<byte[]> innerTo(String dst) {
        byte[] d = Packets.ip6(dst);
        return f -> f.length >= 54 && Packets.ethertype(f) == 0x86DD
                && Arrays.equals(Arrays.copyOfRange(f, 14 + 24, 14 + 40), d);
    }

    /** H1's kernel sends one ping to {@code dst}: its seg6 route encapsulates it to the appliance's SID. */
    private static String pingFromH1(String dst) {
        Netns.Result r = rig.appliance.h1.exec("ping", "-6", "-c", "1", "-W", "1", "-s", "16", dst);
        return r.stdout() + r.stderr();
    }

    /** What to look at when the appliance did not do what was expected. */
    private static String diagnosis(String ping) {
        return "\nping: " + ping + "\n" + rig.appliance.app.ok("srv6:stats") + rig.appliance.app.ok("ip -s -6 route show")
                + rig.appliance.h1.exec("ip", "-s", "link", "show", "r1").stdout() + rig.appliance.app.logTail(10);
    }

    private static long drops(String reason) {
        return rig.appliance.dropCounters().getOrDefault(reason, 0L);
    }

    private static void passesAppliance(String what, String dst) {
        rig.arx.drain();
        String ping = pingFromH1(dst);
        byte[] got = rig.arx.receive(2000, innerTo(dst));
        assertNotNull(what + ": the appliance's SID forwarded nothing" + (got == null ? diagnosis(ping) : ""), got);
    }

    private static void droppedByAppliance(String what, String dst, String reason) throws InterruptedException {
        long before = drops(reason);
        rig.arx.drain();
        String ping = pingFromH1(dst);
        long after = before;
        for (int i = 0; i < 100 && after == before; i++) {
            Thread.sleep(20);
            after = drops(reason);
        }
        if (after != before + 1) {
            assertEquals(what + ": " + reason + " drops" + diagnosis(ping), before + 1, after);
        }
        assertNull(what + ": forwarded", rig.arx.receive(300, innerTo(dst)));
    }

    @Test
    public void applianceSidVerifiesWhatTheKernelSigns() throws Exception {
        try {
            rig.appliance.app.ok("ip sr hmac policy r1 1");
            passesAppliance("policy 1, same secret", SIGNED_DST);
            droppedByAppliance("policy 1, no HMAC", UNSIGNED_DST, "hmac-missing");
            rig.appliance.app.ok("ip sr hmac policy r1 0");
            passesAppliance("policy 0, same secret", SIGNED_DST);
            passesAppliance("policy 0, no HMAC", UNSIGNED_DST);
            rig.appliance.app.ok("ip sr hmac set 7 sha256 another");
            droppedByAppliance("policy 0, another secret", SIGNED_DST, "hmac-invalid");
            rig.appliance.app.ok("ip sr hmac policy r1 1");
            droppedByAppliance("policy 1, another secret", SIGNED_DST, "hmac-invalid");
            rig.appliance.app.ok("ip sr hmac policy r1 -1");
            passesAppliance("policy -1, another secret", SIGNED_DST);
            String sid = rig.appliance.app.ok("ip -s -6 route show").lines().filter(l -> l.startsWith(APP_SID + " "))
                    .findFirst().orElse("");
            assertTrue("the SID counts its HMAC drops as errors: " + sid, sid.contains(" errors 3 "));
        } finally {
            rig.appliance.app.ok("ip sr hmac set 7 sha256 " + SECRET);
            rig.appliance.app.ok("ip sr hmac policy r1 0");
        }
    }

    /** ip sr hmac show in iproute2's layout (without the secret) and the refusals that change nothing. */
    @Test
    public void keysShowAndBadLines() {
        assertEquals("hmac 7 algo sha256\nhmac 8 algo sha1\n", rig.appliance.app.ok("ip sr hmac show"));
        refused("ip sr hmac set 9 md5 x", "unknown HMAC algorithm 'md5'; expected sha1 or sha256");
        refused("ip sr hmac policy r1 2", "invalid HMAC policy '2'; expected -1, 0 or 1");
        refused("ip sr hmac policy nope 1", "no such port nope");
        refused("ip -6 route add fc00:9:a::/64 encap seg6 mode encap segs fc00:2::a hmac 9 dev r2",
                "hmac key 9 is not set; expected ip sr hmac set 9 sha1|sha256 SECRET first");
        refused("ip sr hmac del 7", "HMAC key 7 is used by route fc00:9:");
        assertEquals("hmac 7 algo sha256\nhmac 8 algo sha1\n", rig.appliance.app.ok("ip sr hmac show"));
    }

    private static void refused(String line, String message) {
        Netns.Result r = rig.appliance.app.client(line);
        assertTrue(line + " was accepted", r.exitCode() != 0);
        assertTrue(line + ": " + r.stderr(), r.stderr().contains(message));
    }
}
