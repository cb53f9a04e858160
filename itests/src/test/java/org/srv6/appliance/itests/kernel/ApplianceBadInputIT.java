package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * Malformed frames sent from H1 into the appliance's TAP port r1: each is dropped and counted
 * under its drop reason ({@code srv6:stats}), nothing leaves the appliance but the ICMPv6 error
 * SPEC §1 names (D1), and a good packet is forwarded right afterwards. Rejected {@code ip} lines
 * exit non-zero with one line and leave the running configuration as it was.
 *
 * <p>Frames shorter than an Ethernet header cannot be tested here: the kernel refuses to send
 * them on an Ethernet netdev (EINVAL below its 14-octet minimum header length), so the shortest
 * truncation that reaches the appliance is a bare Ethernet header.
 */
public class ApplianceBadInputIT {

    static final String SRC = DifferentialCases.SRC;
    static final String FINAL = DifferentialCases.FINAL;
    static final String SID = "fc00:100::1";

    private static ApplianceTopology topo;
    private static RawSocket h1;
    private static RawSocket h2;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            topo = new ApplianceTopology("ktb", true);
            h1 = topo.h1Socket();
            h2 = topo.h2Socket();
            DifferentialCases.BASE.forEach(topo.app::ok);
            topo.app.ok("ip -6 route add " + SID + "/128 encap seg6local action End dev r1");
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(h1, h2, topo);
    }

    @Before
    public void drain() {
        h1.drain();
        h2.drain();
    }

    /** Any frame but the IPv6 neighbor discovery / MLD / RS noise. */
    private static boolean anything(byte[] f) {
        return f.length >= 14 && (Packets.ethertype(f) != 0x86DD || RawSocket.ipv6NoNoise(f));
    }

    private static byte[] good() {
        return Packets.ipv6(SRC, SID, 43, 64, DifferentialCases.FLOW,
                Packets.srh(17, 1, 0, 0, List.of(FINAL, SID), new byte[0],
                        Packets.udp(SRC, FINAL, 1234, 5678, "good".getBytes())));
    }

    private static byte[] frame(int ethertype, byte[] payload) {
        return Packets.ethernet(topo.appR1Mac, topo.h1Mac, ethertype, payload);
    }

    private static long count(Map<String, Long> m, String label) {
        return m.getOrDefault(label, 0L);
    }

    /**
     * Sends {@code bad}, then checks: H2 gets nothing, H1 gets nothing but an ICMPv6 error of
     * {@code icmpType}/{@code icmpCode} (when {@code icmpType} >= 0), the drop counter
     * {@code label} rose by one, and a good packet still goes through.
     */
    private static void assertDroppedAndCounted(String label, byte[] bad, int icmpType, int icmpCode) {
        Map<String, Long> before = topo.dropCounters();
        h1.send(bad);
        String what = label + " (input " + Packets.hex(bad) + ")";
        if (icmpType >= 0) {
            byte[] icmp = h1.receive(2000, ApplianceBadInputIT::anything);
            assertNotNull(what + ": no ICMPv6 error came back", icmp);
            assertEquals(what + ": ICMPv6 expected back", 0x86DD, Packets.ethertype(icmp));
            assertEquals(what + ": next header of the reply", 58, icmp[20] & 0xff);
            assertEquals(what + ": ICMPv6 type", icmpType, icmp[54] & 0xff);
            assertEquals(what + ": ICMPv6 code", icmpCode, icmp[55] & 0xff);
        }
        byte[] onward = h2.receive(300, ApplianceBadInputIT::anything);
        assertNull(what + ": H2 received " + (onward == null ? "" : Packets.hex(onward)), onward);
        byte[] back = h1.receive(200, ApplianceBadInputIT::anything);
        assertNull(what + ": H1 received " + (back == null ? "" : Packets.hex(back)), back);

        long deadline = System.currentTimeMillis() + 2000;
        Map<String, Long> after = topo.dropCounters();
        while (count(after, label) == count(before, label) && System.currentTimeMillis() < deadline) {
            sleep(100);
            after = topo.dropCounters();
        }
        assertTrue(what + ": no drop counter '" + label + "' in srv6:stats: " + after, after.containsKey(label));
        assertEquals(what + ": drop counter '" + label + "' before " + before + " after " + after,
                count(before, label) + 1, count(after, label));

        h1.send(frame(0x86DD, good()));
        byte[] fwd = h2.receive(2000, RawSocket::ipv6NoNoise);
        assertNotNull(what + ": the appliance stopped forwarding good packets", fwd);
        assertEquals("good packet forwarded with SL 0", 0, fwd[14 + 40 + 3] & 0xff);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    public void bareEthernetHeaderIsTruncated() {
        assertDroppedAndCounted("truncated", frame(0x86DD, new byte[0]), -1, 0);
    }

    @Test
    public void truncatedIpv6HeaderIsTruncated() {
        assertDroppedAndCounted("truncated", frame(0x86DD, Arrays.copyOf(good(), 20)), -1, 0);
    }

    @Test
    public void payloadLengthBeyondFrameIsTruncated() {
        byte[] p = good();
        int claimed = p.length - 40 + 100;
        p[4] = (byte) (claimed >> 8);
        p[5] = (byte) claimed;
        assertDroppedAndCounted("truncated", frame(0x86DD, p), -1, 0);
    }

    @Test
    public void srhOverrunningPacketIsDroppedWithoutIcmp() {
        // Hdr Ext Len 4 (40 octets) but the packet ends 24 octets into the SRH.
        byte[] srh = Packets.srh(59, 1, 0, 0, List.of(FINAL, SID), new byte[0], new byte[0]);
        byte[] p = Packets.ipv6(SRC, SID, 43, 64, 0, Arrays.copyOf(srh, 24));
        assertDroppedAndCounted("srh-overrun", frame(0x86DD, p), -1, 0);
    }

    @Test
    public void segmentsLeftBeyondLastEntryIsDroppedWithParameterProblem() {
        byte[] p = Packets.ipv6(SRC, SID, 43, 64, 0, Packets.srh(17, 3, 0, 0, List.of(FINAL, SID), new byte[0],
                Packets.udp(SRC, FINAL, 1, 2, new byte[8])));
        assertDroppedAndCounted("srh-malformed", frame(0x86DD, p), 4, 0);
    }

    @Test
    public void tlvOverrunningSrhIsDroppedWithoutIcmp() {
        // 8 octets of TLV space; the TLV says 2 + 20.
        byte[] tlvs = new byte[8];
        tlvs[0] = 124;
        tlvs[1] = 20;
        byte[] p = Packets.ipv6(SRC, SID, 43, 64, 0, Packets.srh(17, 1, 0, 0, List.of(FINAL, SID), tlvs,
                Packets.udp(SRC, FINAL, 1, 2, new byte[8])));
        assertDroppedAndCounted("srh-overrun", frame(0x86DD, p), -1, 0);
    }

    @Test
    public void ipv6EthertypeCarryingVersion4IsDropped() {
        byte[] p = good();
        p[0] = 0x40;
        assertDroppedAndCounted("bad-ip-version", frame(0x86DD, p), -1, 0);
    }

    @Test
    public void ipv4HeaderChecksumWrongIsDropped() {
        byte[] p = Packets.ipv4("10.12.0.1", "10.23.0.3", 17, 64, 1,
                Packets.udp("10.12.0.1", "10.23.0.3", 1, 2, new byte[8]));
        p[10] ^= 0x55;
        assertDroppedAndCounted("bad-checksum", frame(0x0800, p), -1, 0);
    }

    @Test
    public void unknownEthertypeIsDropped() {
        assertDroppedAndCounted("bad-ethertype", frame(0x88B5, new byte[46]), -1, 0);
    }

    @Test
    public void badIpLinesAreRejectedWithOneLineAndChangeNothing() {
        String config = topo.app.ok("srv6:config show");
        for (String line : List.of(
                "ip -6 route add fc00:100::99/128 encap seg6local action End.Q dev r1",
                "ip -6 route add fc00:100::98/128 encap seg6local action End.X dev r1",
                "ip -6 route add fc00:100::97/129 via fc00:23::3 dev r2",
                "ip -6 route add fc00:9::/64 encap seg6 mode encap dev r2",
                "ip -6 addr add fc00:zz::1/64 dev r1",
                "ip link set nosuchport up",
                "ip -6 neigh add fc00:23::9 lladdr 02:00:00 dev r2",
                "ip route frobnicate")) {
            Netns.Result r = topo.app.client(line);
            assertNotEquals("'" + line + "' must be refused: " + r.stdout().trim(), 0, r.exitCode());
            String msg = (r.stderr() + r.stdout()).trim();
            assertFalse("'" + line + "': no error message", msg.isEmpty());
            assertFalse("'" + line + "': error must be one line, got:\n" + msg, msg.contains("\n"));
            assertEquals("'" + line + "' changed the running configuration", config, topo.app.ok("srv6:config show"));
        }
    }
}
