package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.FrameDiff;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §1 differential for the table behaviors End.T and End.DT6 (RFC 8986 §4.3, §4.6): the same
 * frames go through a kernel router namespace and through the appliance, both configured with the
 * same {@code ip} lines (topology and addressing of {@link KernelTopology}); what H2 receives must
 * be equal byte for byte from the ethertype on, and equal to the packet written from the RFC.
 * Table 100 sends the test prefixes to H2 while the main table sends them back to H1, so a lookup
 * in the wrong table shows. End.DT4 and End.DT46 need VRF devices in this kernel: they go through
 * the appliance alone, against packets written from the RFC (as in the behaviors' unit tests).
 */
public class ApplianceTableDifferentialIT {
    static final String SRC = "fc00:1::5";
    static final int FLOW = 0x2468a;
    static final byte[] DATA = "table differential".getBytes();

    /** Lines both routers get once: base routes, the decoys in main and the routes of table 100. */
    static final List<String> LINES = List.of(
            "ip -6 route add fc00:1::/64 via fc00:12::1 dev r1",
            "ip -6 route add fc00:2::/64 via fc00:23::3 dev r2",
            "ip -6 route add fc00:4::/64 via fc00:12::1 dev r1",
            "ip -6 route add fc00:4::/64 via fc00:23::3 dev r2 table 100",
            "ip -6 route add 2001:db8:100::/64 via fc00:12::1 dev r1",
            "ip -6 route add 2001:db8:100::/64 via fc00:23::3 dev r2 table 100",
            "ip -6 route add fc00:100::10/128 encap seg6local action End.T table 100 dev r1",
            "ip -6 route add fc00:100::11/128 encap seg6local action End.DT6 table 100 dev r1",
            "ip -6 route add fc00:100::12/128 encap seg6local action End.DT6 table 255 dev r1");

    /**
     * End.DT4 and End.DT46: this kernel takes them only with a VRF device, so the appliance alone
     * gets them and H2 must receive the packet written from the RFC.
     */
    static final List<String> APPLIANCE_ONLY = List.of(
            "ip route add 10.77.0.0/24 via 10.12.0.1 dev r1",
            "ip route add 10.77.0.0/24 via 10.23.0.3 dev r2 table 100",
            "ip -6 route add fc00:100::14/128 encap seg6local action End.DT4 vrftable 100 dev r1",
            "ip -6 route add fc00:100::15/128 encap seg6local action End.DT46 vrftable 100 dev r1");

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("ttk", "tta");
            LINES.forEach(rig::both);
            APPLIANCE_ONLY.forEach(rig.appliance.app::ok);
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

    /** What H2 receives from the kernel router for {@code input} (IPv6 from H1), or null. */
    private static byte[] kernel(byte[] input, int waitMs) {
        rig.krx.drain();
        rig.ktx.send(Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, 0x86DD, input));
        return rig.krx.receive(waitMs, DifferentialCases::forwarded);
    }

    private static byte[] appliance(byte[] input, int waitMs) {
        rig.arx.drain();
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, input));
        return rig.arx.receive(waitMs, DifferentialCases::forwarded);
    }

    /** Both routers must deliver {@code expected} (an IPv6 packet) to H2. */
    private static void compare(String rule, byte[] input, byte[] expected, boolean ignoreFlowLabel) {
        byte[] k = kernel(input, 2000);
        assertNotNull(rule + ": kernel router forwarded nothing", k);
        assertNull(rule + ": kernel output differs from the RFC outcome",
                FrameDiff.diff(Packets.ethernet(rig.kernel.h2Mac, rig.kernel.rH2Mac, 0x86DD, expected), k, ignoreFlowLabel));
        byte[] a = appliance(input, 2000);
        assertNotNull(rule + ": appliance forwarded nothing; input " + Packets.hex(input), a);
        String diff = FrameDiff.diff(k, a, ignoreFlowLabel);
        assertNull(rule + ": appliance output differs from the kernel's (expected = kernel); input "
                + Packets.hex(input) + "\n" + diff, diff);
        assertArrayEquals(rule + ": Ethernet destination must be H2", rig.appliance.h2Mac, Arrays.copyOf(a, 6));
    }

    /** Neither router may deliver anything to H2; the appliance counts the drop under {@code reason}. */
    private static void bothDrop(String rule, byte[] input, String reason) {
        assertNull(rule + ": the kernel router forwarded it", kernel(input, 700));
        long before = rig.appliance.dropCounters().getOrDefault(reason, 0L);
        byte[] a = appliance(input, 700);
        assertNull(rule + ": the appliance forwarded it: " + (a == null ? "" : Packets.hex(a)), a);
        Map<String, Long> after = rig.appliance.dropCounters();
        assertEquals(rule + ": drop counter " + reason + " in " + after, before + 1, (long) after.getOrDefault(reason, 0L));
    }

    private static byte[] udp(String src, String dst) {
        return Packets.udp(src, dst, 1234, 5678, DATA);
    }

    private static byte[] inner6(String dst, int hopLimit) {
        return Packets.ipv6("2001:db8:1::1", dst, 17, hopLimit, 0, 0x11111, udp("2001:db8:1::1", dst));
    }

    @Test
    public void endTLooksTheNewDestinationUpInTheSecondTable() {
        // RFC 8986 §4.3 S15-S16: SL 1 -> 0, DA = fc00:4::9, looked up in table 100 (to H2; main says H1).
        String sid = "fc00:100::10";
        String fin = "fc00:4::9";
        byte[] tlvs = Packets.padN(8);
        compare("End.T table 100",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(17, 1, 0, 0x42, List.of(fin, sid), tlvs, udp(SRC, fin))),
                Packets.ipv6(SRC, fin, 43, 63, FLOW, Packets.srh(17, 0, 0, 0x42, List.of(fin, sid), tlvs, udp(SRC, fin))),
                false);
    }

    @Test
    public void endTInTheMiddleOfThreeSegments() {
        String sid = "fc00:100::10";
        List<String> segs = List.of("fc00:2::9", "fc00:4::7", sid);
        compare("End.T table 100, SL 2",
                Packets.ipv6(SRC, sid, 43, 9, FLOW, Packets.srh(17, 2, 0, 0, segs, new byte[0], udp(SRC, "fc00:2::9"))),
                Packets.ipv6(SRC, "fc00:4::7", 43, 8, FLOW, Packets.srh(17, 1, 0, 0, segs, new byte[0], udp(SRC, "fc00:2::9"))),
                false);
    }

    @Test
    public void endDt6DecapsulatesIntoTable100() {
        // RFC 8986 §4.6: SL = 0, outer header and SRH removed, inner looked up in table 100 (hop limit - 1).
        String sid = "fc00:100::11";
        String dst = "2001:db8:100::9";
        compare("End.DT6 table 100",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(41, 0, 0, 0, List.of(sid), new byte[0], inner6(dst, 64))),
                inner6(dst, 63), false);
    }

    @Test
    public void endDt6WithoutSrhDecapsulatesToo() {
        String sid = "fc00:100::11";
        String dst = "2001:db8:100::8";
        compare("End.DT6 table 100, no SRH", Packets.ipv6(SRC, sid, 41, 64, FLOW, inner6(dst, 20)), inner6(dst, 19), false);
    }

    @Test
    public void endDt6Table255DeliversToTheRouterItself() {
        // The inner echo request is for the router's fc00:23::2 (table 255): answered to H2, its source.
        String sid = "fc00:100::12";
        byte[] echo = Packets.icmpv6Echo(128, "fc00:23::3", "fc00:23::2", 0x7a7a, 3, DATA);
        byte[] inner = Packets.ipv6("fc00:23::3", "fc00:23::2", 58, 64, 0, 0, echo);
        byte[] reply = Packets.ipv6("fc00:23::2", "fc00:23::3", 58, 64, 0, 0,
                Packets.icmpv6Echo(129, "fc00:23::2", "fc00:23::3", 0x7a7a, 3, DATA));
        compare("End.DT6 table 255 local delivery",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(41, 0, 0, 0, List.of(sid), new byte[0], inner)), reply, true);
    }

    @Test
    public void endDt6WithSegmentsLeftNotZeroIsDropped() {
        // RFC 8986 §4.6 S01-S05 (kernel decap_and_validate): SL 1 at End.DT6 is dropped; as End it would reach H2.
        String sid = "fc00:100::11";
        byte[] in = Packets.ipv6(SRC, sid, 43, 64, FLOW,
                Packets.srh(41, 1, 0, 0, List.of("fc00:2::9", sid), new byte[0], inner6("2001:db8:100::9", 64)));
        bothDrop("End.DT6 SL 1", in, "sl-not-zero");
    }

    @Test
    public void endDt6WithAnIpv4InnerIsDropped() {
        String sid = "fc00:100::11";
        byte[] inner = Packets.ipv4("10.12.0.1", "10.23.0.3", 17, 64, 0x77, Packets.udp("10.12.0.1", "10.23.0.3", 1, 2, DATA));
        bothDrop("End.DT6 IPv4 inner",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(4, 0, 0, 0, List.of(sid), new byte[0], inner)),
                "unsupported-payload");
    }

    @Test
    public void endDt6WithNoRouteInTheTableAnswersDestinationUnreachable() {
        // No route in table 100 for the inner destination: ICMPv6 no route (type 1 code 0) to the inner
        // source (H2), from the ingress port's address, quoting the inner packet as decapsulated.
        String sid = "fc00:100::11";
        byte[] inner = Packets.ipv6("fc00:23::3", "2001:db8:200::9", 17, 64, 0, 0, udp("fc00:23::3", "2001:db8:200::9"));
        byte[] error = Packets.ipv6("fc00:12::2", "fc00:23::3", 58, 64, 0, 0,
                Packets.icmpv6Error(1, 0, 0, "fc00:12::2", "fc00:23::3", inner));
        compare("End.DT6 no route in table 100",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(41, 0, 0, 0, List.of(sid), new byte[0], inner)), error, true);
    }

    @Test
    public void routeShowPrintsTheSidsAsTheKernelDoes() {
        // iproute2 names table 255 "local"; the appliance prints the number, which pastes back the same.
        String k = rig.kernel.r.sh("ip -6 route show").stdout();
        String a = rig.appliance.app.ok("ip -6 route show");
        for (String sid : List.of("fc00:100::10", "fc00:100::11")) {
            assertEquals(sid, line(k, sid).replace(" pref medium", ""), line(a, sid));
        }
        assertEquals("fc00:100::12 encap seg6local action End.DT6 table 255 dev r1 metric 1024", line(a, "fc00:100::12"));
    }

    /** The line of {@code show} that starts with {@code prefix}, spaces collapsed. */
    private static String line(String show, String prefix) {
        for (String l : show.split("\\R")) {
            if (l.startsWith(prefix + " ")) {
                return l.trim().replaceAll("\\s+", " ");
            }
        }
        return "no line for " + prefix + " in:\n" + show;
    }

    /** Only the appliance gets {@code input}; H2 must receive {@code expected} (IPv4 or IPv6). */
    private static void applianceOnly(String rule, byte[] input, byte[] expected) {
        byte[] a = appliance(input, 2000);
        assertNotNull(rule + ": appliance forwarded nothing; input " + Packets.hex(input), a);
        int type = (expected[0] & 0xf0) == 0x40 ? 0x0800 : 0x86DD;
        String diff = FrameDiff.diff(Packets.ethernet(rig.appliance.h2Mac, rig.appliance.appR2Mac, type, expected), a, false);
        assertNull(rule + ": appliance output differs from the RFC outcome\n" + diff, diff);
        assertArrayEquals(rule + ": Ethernet destination must be H2", rig.appliance.h2Mac, Arrays.copyOf(a, 6));
    }

    private static byte[] inner4(int ttl) {
        return Packets.ipv4("10.12.0.1", "10.77.0.9", 17, ttl, 0x4321, Packets.udp("10.12.0.1", "10.77.0.9", 1, 2, DATA));
    }

    @Test
    public void endDt4DecapsulatesIntoTable100() {
        // RFC 8986 §4.7: the inner IPv4 packet looked up in table 100 (main says H1): TTL - 1, checksum updated.
        String sid = "fc00:100::14";
        applianceOnly("End.DT4 vrftable 100",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(4, 0, 0, 0, List.of(sid), new byte[0], inner4(64))),
                inner4(63));
    }

    @Test
    public void endDt4WithAnIpv6InnerIsDropped() {
        String sid = "fc00:100::14";
        long before = rig.appliance.dropCounters().getOrDefault("unsupported-payload", 0L);
        byte[] in = Packets.ipv6(SRC, sid, 41, 64, FLOW, inner6("2001:db8:100::9", 64));
        assertNull("End.DT4 forwarded an IPv6 inner", appliance(in, 700));
        assertEquals(before + 1, (long) rig.appliance.dropCounters().getOrDefault("unsupported-payload", 0L));
    }

    @Test
    public void endDt46DecapsulatesEitherFamilyIntoTable100() {
        // RFC 8986 §4.8.
        String sid = "fc00:100::15";
        applianceOnly("End.DT46 vrftable 100, IPv4 inner",
                Packets.ipv6(SRC, sid, 43, 64, FLOW, Packets.srh(4, 0, 0, 0, List.of(sid), new byte[0], inner4(9))),
                inner4(8));
        applianceOnly("End.DT46 vrftable 100, IPv6 inner, no SRH",
                Packets.ipv6(SRC, sid, 41, 64, FLOW, inner6("2001:db8:100::7", 33)), inner6("2001:db8:100::7", 32));
    }
}
