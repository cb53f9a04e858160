package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.FrameDiff;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §1 differential for the decapsulating cross-connects End.DX6, End.DX4 and End.DX2 (RFC
 * 8986 §4.4, §4.5, §4.9): the same frames go once through a kernel router namespace and once
 * through the appliance, both configured with the same {@code ip} lines, and what H2 receives
 * must be equal byte for byte. End.DX2 frames are captured with tcpdump, whose libpcap puts back
 * the VLAN tag the receive path moves out of the frame (a plain AF_PACKET read would not show it).
 */
public class ApplianceDecapDifferentialIT {
    private static final String SRC = DifferentialCases.SRC;
    private static final int FLOW = DifferentialCases.FLOW;
    private static final int PROTO_ETHERNET = 143;
    /** Source MAC of every inner Ethernet frame, the capture filter of the End.DX2 cases. */
    private static final String INNER_SRC_MAC = "02:00:00:00:0a:01";

    private static final String DX6_SID = "fc00:100::d6";
    private static final String DX4_SID = "fc00:100::d4";
    private static final String DX2_SID = "fc00:100::d2";
    /** The SIDs, configured once on both routers. */
    private static final List<String> SIDS = List.of(
            "ip -6 route add " + DX6_SID + "/128 encap seg6local action End.DX6 nh6 fc00:23::3 dev r1",
            "ip -6 route add " + DX4_SID + "/128 encap seg6local action End.DX4 nh4 10.23.0.3 dev r1",
            "ip -6 route add " + DX2_SID + "/128 encap seg6local action End.DX2 oif r2 dev r1");

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("kxd", "kxa");
            rig.awaitKeywords("End.DX6", "End.DX4", "End.DX2");
            DifferentialCases.BASE.forEach(rig::both);
            SIDS.forEach(rig::both);
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
        return Packets.udp(SRC, dst, 1234, 5678, "decap differential".getBytes(StandardCharsets.US_ASCII));
    }

    /** RFC 8986 §4.4 End.DX6: SL 0, the inner IPv6 packet goes to nh6 with its hop limit decremented. */
    @Test
    public void endDx6() {
        String dst = "fc00:4::9";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, FLOW, udp6(dst));
        rig.compare(new Case("End.DX6", List.of(), 0x86DD,
                Packets.ipv6("fc00:1::7", DX6_SID, 43, 50, 0,
                        Packets.srh(41, 0, 0, 0, List.of(DX6_SID), new byte[0], inner)),
                Packets.ipv6(SRC, dst, 17, 63, FLOW, udp6(dst))));
    }

    /** End.DX6 without an SRH (outer next header 41), as the kernel accepts it. */
    @Test
    public void endDx6WithoutSrh() {
        String dst = "fc00:4::a";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 9, FLOW, udp6(dst));
        rig.compare(new Case("End.DX6 without SRH", List.of(), 0x86DD,
                Packets.ipv6("fc00:1::7", DX6_SID, 41, 50, 0, inner),
                Packets.ipv6(SRC, dst, 17, 8, FLOW, udp6(dst))));
    }

    /**
     * RFC 8986 §4.5 End.DX4: the inner IPv4 packet goes to nh4 with its TTL decremented. Its
     * destination is nh4 itself: the kernel's ip_route_input on nh4 gives an on-link route whose
     * neighbor is the packet's destination, not nh4.
     */
    @Test
    public void endDx4() {
        String dst = "10.23.0.3";
        byte[] udp = Packets.udp("10.1.0.5", dst, 7, 8, "dx4 inner".getBytes(StandardCharsets.US_ASCII));
        rig.compare(new Case("End.DX4", List.of(), 0x86DD,
                Packets.ipv6("fc00:1::7", DX4_SID, 43, 50, 0,
                        Packets.srh(4, 0, 0, 0, List.of(DX4_SID), new byte[0],
                                Packets.ipv4("10.1.0.5", dst, 17, 30, 0x77, 0x10, udp))),
                Packets.ipv4("10.1.0.5", dst, 17, 29, 0x77, 0x10, udp)));
    }

    /**
     * End.DX4 with an inner destination off the nh4 link: RFC 8986 §4.5 forwards to the adjacency
     * nh4. The kernel does not (its route to nh4 is on-link, so it resolves the inner destination
     * itself with ARP on r2 and forwards nothing), so the appliance is held against RFC-built bytes.
     */
    @Test
    public void endDx4OffLinkInnerDestinationGoesToNh4AsTheRfcSays() {
        String dst = "10.8.0.1";
        byte[] udp = Packets.udp("10.1.0.5", dst, 7, 8, "dx4 off link".getBytes(StandardCharsets.US_ASCII));
        byte[] input = Packets.ipv6("fc00:1::7", DX4_SID, 43, 50, 0, Packets.srh(4, 0, 0, 0, List.of(DX4_SID),
                new byte[0], Packets.ipv4("10.1.0.5", dst, 17, 30, 0x79, 0, udp)));
        rig.arx.drain();
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, input));
        byte[] a = rig.arx.receive(2000, RawSocket::ipv4);
        assertNotNull("appliance forwarded nothing\n" + rig.appliance.app.logTail(20), a);
        String diff = FrameDiff.diff(Packets.ethernet(rig.appliance.h2Mac, rig.appliance.appR2Mac, 0x0800,
                Packets.ipv4("10.1.0.5", dst, 17, 29, 0x79, 0, udp)), a, false);
        assertNull("End.DX4 output differs from the RFC outcome\n" + diff, diff);
        assertArrayEquals("Ethernet destination must be nh4's (H2)", rig.appliance.h2Mac, Arrays.copyOf(a, 6));
    }

    /** Is an ICMPv6 error (type below 128) without extension headers. */
    private static boolean icmp6Error(byte[] f) {
        return f.length > 54 && Packets.ethertype(f) == 0x86DD && (f[20] & 0xff) == 58 && (f[54] & 0xff) < 128;
    }

    /**
     * Sends {@code input} (IPv6 from its header on) to both routers: the kernel forwards nothing
     * and answers nothing; neither may the appliance, which counts it under {@code reason}.
     */
    private static void droppedByBoth(String rule, byte[] input, String reason) {
        rig.ktx.drain();
        rig.ktx.send(Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, 0x86DD, input));
        assertNull(rule + ": kernel forwarded it", rig.krx.receive(1000, DifferentialCases::forwarded));
        assertNull(rule + ": kernel answered it", rig.ktx.receive(300, ApplianceDecapDifferentialIT::icmp6Error));

        long before = rig.appliance.dropCounters().getOrDefault(reason, 0L);
        rig.atx.drain();
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, input));
        assertNull(rule + ": appliance forwarded it", rig.arx.receive(1000, DifferentialCases::forwarded));
        assertNull(rule + ": appliance answered it", rig.atx.receive(300, ApplianceDecapDifferentialIT::icmp6Error));
        long after = rig.appliance.dropCounters().getOrDefault(reason, 0L);
        assertEquals(rule + ": " + reason + " drops\n" + rig.appliance.app.ok("srv6:stats"), before + 1, after);
    }

    /** RFC 8986 §4.4 S01-S04 with SL ≠ 0: the kernel drops without an answer; so must the appliance, counted. */
    @Test
    public void endDx6SegmentsLeftNotZeroIsDropped() {
        String dst = "fc00:4::b";
        droppedByBoth("End.DX6 with SL 1", Packets.ipv6("fc00:1::7", DX6_SID, 43, 50, 0,
                Packets.srh(41, 1, 0, 0, List.of("fc00:2::9", DX6_SID), new byte[0],
                        Packets.ipv6(SRC, dst, 17, 64, FLOW, udp6(dst)))), "sl-not-zero");
    }

    /** An inner IPv4 packet at an End.DX6 SID is not the inner protocol: dropped by both, counted. */
    @Test
    public void endDx6InnerIpv4IsDropped() {
        byte[] udp = Packets.udp("10.1.0.5", "10.23.0.3", 7, 8, "v4 to dx6".getBytes(StandardCharsets.US_ASCII));
        droppedByBoth("End.DX6 with an IPv4 inner packet", Packets.ipv6("fc00:1::7", DX6_SID, 43, 50, 0,
                Packets.srh(4, 0, 0, 0, List.of(DX6_SID), new byte[0],
                        Packets.ipv4("10.1.0.5", "10.23.0.3", 17, 30, 0x78, 0, udp))), "unsupported-payload");
    }

    /**
     * Inner hop limit 1 at End.DX6: the kernel's IPv6 forwarding of the inner packet answers Time
     * Exceeded quoting the inner packet; the appliance must send the same (flow label aside).
     */
    @Test
    public void endDx6InnerHopLimitOneIsAnsweredAsTheKernelDoes() {
        String dst = "fc00:4::c";
        byte[] input = Packets.ipv6("fc00:1::7", DX6_SID, 43, 50, 0,
                Packets.srh(41, 0, 0, 0, List.of(DX6_SID), new byte[0], Packets.ipv6(SRC, dst, 17, 1, FLOW, udp6(dst))));
        rig.ktx.drain();
        rig.ktx.send(Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, 0x86DD, input));
        byte[] k = rig.ktx.receive(2000, ApplianceDecapDifferentialIT::icmp6Error);
        assertNotNull("kernel sent no ICMPv6 error for inner hop limit 1", k);
        assertEquals("kernel: Time Exceeded", 3, k[54] & 0xff);
        assertNull("kernel forwarded an inner packet with hop limit 1", rig.krx.receive(300, DifferentialCases::forwarded));
        rig.atx.drain();
        rig.atx.send(Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, input));
        byte[] a = rig.atx.receive(2000, ApplianceDecapDifferentialIT::icmp6Error);
        assertNotNull("appliance sent no ICMPv6 error for inner hop limit 1\n" + rig.appliance.app.logTail(20), a);
        String diff = FrameDiff.diff(k, a, true);
        assertNull("Time Exceeded differs from the kernel's (expected = kernel)\n" + diff, diff);
        assertNull("appliance forwarded an inner packet with hop limit 1", rig.arx.receive(300, DifferentialCases::forwarded));
    }

    /** Sends {@code frame} from H1 and returns the first frame from the inner source MAC that H2 receives, tag included. */
    private static byte[] dx2Through(Netns h2, String dev, RawSocket tx, byte[] frame) throws Exception {
        Path file = Files.createTempFile("dx2-", ".pcap");
        Process p = new ProcessBuilder("ip", "netns", "exec", h2.name(), "tcpdump", "-Z", "root", "-n", "-i", dev,
                "-Q", "in", "-U", "-c", "1", "-w", file.toString(), "ether src " + INNER_SRC_MAC)
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder said = new StringBuilder();
            while ((line = r.readLine()) != null && !line.contains("listening on")) {
                said.append(line).append('\n');
            }
            assertNotNull("tcpdump did not start: " + said, line);
            tx.send(frame);
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                return null;
            }
            return firstRecord(Files.readAllBytes(file));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(file);
        }
    }

    /** @return the data of the first record of a little-endian pcap file, or null */
    private static byte[] firstRecord(byte[] pcap) {
        if (pcap.length < 40) {
            return null;
        }
        int incl = (pcap[32] & 0xff) | (pcap[33] & 0xff) << 8 | (pcap[34] & 0xff) << 16 | (pcap[35] & 0xff) << 24;
        return Arrays.copyOfRange(pcap, 40, 40 + incl);
    }

    /** RFC 8986 §4.9 End.DX2: the inner frame leaves r2 exactly as it was carried, on both routers. */
    private static void compareDx2(String rule, byte[] inner) throws Exception {
        byte[] outer = Packets.ipv6("fc00:1::7", DX2_SID, 43, 50, 0,
                Packets.srh(PROTO_ETHERNET, 0, 0, 0, List.of(DX2_SID), new byte[0], inner));
        byte[] k = dx2Through(rig.kernel.h2, "e0", rig.ktx, Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, 0x86DD, outer));
        assertNotNull(rule + ": kernel sent nothing out of r2", k);
        assertEquals(rule + ": kernel output is not the inner frame", Packets.hex(inner), Packets.hex(k));
        byte[] a = dx2Through(rig.appliance.h2, "r2", rig.atx, Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, outer));
        assertNotNull(rule + ": appliance sent nothing out of r2\n" + rig.appliance.app.logTail(20), a);
        assertEquals(rule + ": appliance output differs from the kernel's", Packets.hex(k), Packets.hex(a));
    }

    @Test
    public void endDx2EthernetFrame() throws Exception {
        byte[] ip6 = Packets.ipv6("fc00:a::1", "fc00:b::1", 17, 64, 0, Packets.udp("fc00:a::1", "fc00:b::1", 1, 2,
                "l2 inner".getBytes(StandardCharsets.US_ASCII)));
        compareDx2("End.DX2 Ethernet", Packets.ethernet("02:00:00:00:0b:01", INNER_SRC_MAC, 0x86DD, ip6));
    }

    @Test
    public void endDx2ArpBroadcast() throws Exception {
        byte[] arp = Packets.arp(1, INNER_SRC_MAC, "10.99.0.1", "00:00:00:00:00:00", "10.99.0.2");
        compareDx2("End.DX2 ARP broadcast", Packets.ethernet("ff:ff:ff:ff:ff:ff", INNER_SRC_MAC, 0x0806,
                Packets.cat(arp, new byte[18])));
    }

    @Test
    public void endDx2VlanTaggedFrame() throws Exception {
        byte[] ip4 = Packets.ipv4("10.99.0.1", "10.99.0.2", 17, 64, 1, Packets.udp("10.99.0.1", "10.99.0.2", 1, 2,
                "vlan inner".getBytes(StandardCharsets.US_ASCII)));
        compareDx2("End.DX2 VLAN 100", Packets.ethernet("02:00:00:00:0b:01", INNER_SRC_MAC, 0x8100,
                Packets.cat(Packets.u16(100), Packets.u16(0x0800), ip4)));
    }

    /** An 802.3 frame (length, not type, after the addresses) is dropped by the kernel's End.DX2: by both, counted. */
    @Test
    public void endDx2Ieee8023FrameIsDropped() throws Exception {
        byte[] inner = Packets.ethernet("02:00:00:00:0b:01", INNER_SRC_MAC, 46, Packets.fill(46, 5));
        byte[] outer = Packets.ipv6("fc00:1::7", DX2_SID, 43, 50, 0,
                Packets.srh(PROTO_ETHERNET, 0, 0, 0, List.of(DX2_SID), new byte[0], inner));
        assertNull("kernel sent an 802.3 frame out of r2",
                dx2Through(rig.kernel.h2, "e0", rig.ktx, Packets.ethernet(rig.kernel.rH1Mac, rig.kernel.h1Mac, 0x86DD, outer)));
        long before = rig.appliance.dropCounters().getOrDefault("bad-ethertype", 0L);
        assertNull("appliance sent an 802.3 frame out of r2",
                dx2Through(rig.appliance.h2, "r2", rig.atx, Packets.ethernet(rig.appliance.appR1Mac, rig.appliance.h1Mac, 0x86DD, outer)));
        assertEquals("bad-ethertype drops", before + 1, (long) rig.appliance.dropCounters().getOrDefault("bad-ethertype", 0L));
    }

    @Test
    public void sidsAreListedWithTheirCanonicalText() {
        String shown = rig.appliance.app.ok("ip -6 route show");
        assertTrue(shown, shown.contains("End.DX6 nh6 fc00:23::3"));
        assertTrue(shown, shown.contains("End.DX4 nh4 10.23.0.3"));
        assertTrue(shown, shown.contains("End.DX2 oif r2"));
    }
}
