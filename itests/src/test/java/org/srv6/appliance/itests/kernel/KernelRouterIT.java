package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.Arrays;
import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.FrameDiff;

/**
 * Kernel reference half of the differential tests: the kernel router R runs every
 * {@link DifferentialCases} row and the frame captured at H2 must equal the RFC outcome written
 * in the row. This proves the table itself, so that a difference found by
 * {@link ApplianceDifferentialIT} is the appliance's. The last tests pin the kernel's departures
 * from the RFCs that SPEC §1 D1-D3 lists (silent drops, rewritten quote), which is why
 * {@link ApplianceRfcOutcomeIT} asserts those outcomes against the RFC text instead.
 */
public class KernelRouterIT {

    private static KernelTopology topo;
    private static RawSocket tx;
    private static RawSocket rx;

    @BeforeClass
    public static void setUp() {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        topo = new KernelTopology("ktk");
        try {
            tx = RawSocket.open(topo.h1, "e0");
            rx = RawSocket.open(topo.h2, "e0");
            DifferentialCases.BASE.forEach(topo::router);
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        if (tx != null) {
            tx.close();
        }
        if (rx != null) {
            rx.close();
        }
        if (topo != null) {
            topo.close();
        }
    }

    @Before
    public void drain() {
        rx.drain();
        tx.drain();
    }

    /** Sends the case's input from H1 through kernel router {@code topo}; returns what H2 received. */
    static byte[] throughKernel(KernelTopology topo, RawSocket tx, RawSocket rx, Case c) {
        c.lines().forEach(topo::router);
        rx.drain();
        tx.send(Packets.ethernet(topo.rH1Mac, topo.h1Mac, c.ethertype(), c.input()));
        return rx.receive(2000, DifferentialCases::forwarded);
    }

    private static void check(Case c) {
        byte[] got = throughKernel(topo, tx, rx, c);
        assertNotNull(c.rule() + ": kernel router forwarded nothing", got);
        byte[] expected = Packets.ethernet(topo.h2Mac, topo.rH2Mac, c.expectedEthertype(), c.expected());
        assertNull(c.rule() + ": kernel output differs from the RFC outcome", FrameDiff.diff(expected, got, false));
        assertEquals(c.rule() + ": Ethernet destination must be H2", KernelTopology.hex(topo.h2Mac),
                KernelTopology.hex(Arrays.copyOf(got, 6)));
    }

    @Test
    public void end() {
        check(DifferentialCases.end());
    }

    @Test
    public void endFlavorPsp() {
        check(DifferentialCases.endPsp());
    }

    @Test
    public void endNextCsidShiftsNextCsidIntoDestination() {
        check(DifferentialCases.endNextCsidShift());
    }

    @Test
    public void endNextCsidLastCsidFallsBackToSrh() {
        check(DifferentialCases.endNextCsidLastCsid());
    }

    @Test
    public void endNextCsidWithoutSrh() {
        check(DifferentialCases.endNextCsidNoSrh());
    }

    @Test
    public void endX() {
        check(DifferentialCases.endX());
    }

    @Test
    public void tEncapsIpv6() {
        check(DifferentialCases.tEncapsIpv6());
    }

    @Test
    public void tEncapsIpv4() {
        check(DifferentialCases.tEncapsIpv4());
    }

    @Test
    public void endMiddleSegment() {
        check(DifferentialCases.endMiddleSegment());
    }

    @Test
    public void tEncapsThreeSegments() {
        check(DifferentialCases.tEncapsThreeSegments());
    }

    @Test
    public void tInsertTwoSegments() {
        check(DifferentialCases.tInsertTwoSegments());
    }

    @Test
    public void tInsert() {
        check(DifferentialCases.tInsert());
    }

    @Test
    public void tEncapsWithSrTunsrc() {
        topo.router("ip sr tunsrc set fc00:5::5");
        try {
            check(DifferentialCases.tEncapsSrTunsrc("fc00:5::5"));
        } finally {
            topo.router("ip sr tunsrc set ::");
        }
    }

    @Test
    public void ipv6Forwarding() {
        check(DifferentialCases.ipv6Forwarding());
    }

    @Test
    public void ipv4Forwarding() {
        check(DifferentialCases.ipv4Forwarding());
    }

    // SPEC §1 D1-D3: where the kernel departs from the RFCs (the appliance follows the RFCs,
    // ApplianceRfcOutcomeIT). These pin the departures on the kernel the build runs on.

    private static final String DSID = "fc00:100::d";

    private static byte[] endPacket(int sl, int hopLimit, int nextHeader, List<String> segments, byte[] upper) {
        return Packets.ipv6(DifferentialCases.SRC, DSID, 43, hopLimit, 0,
                Packets.srh(nextHeader, sl, 0, 0, segments, new byte[0], upper));
    }

    private static void endSid() {
        topo.router("ip -6 route replace " + DSID + "/128 encap seg6local action End dev r1");
    }

    @Test
    public void kernelDropsSegmentsLeftBeyondLastEntrySilently() {
        endSid();
        byte[] in = endPacket(3, 64, 17, List.of(DifferentialCases.FINAL, DSID),
                Packets.udp(DifferentialCases.SRC, DifferentialCases.FINAL, 1, 2, new byte[8]));
        tx.send(Packets.ethernet(topo.rH1Mac, topo.h1Mac, 0x86DD, in));
        byte[] fwd = rx.receive(500, RawSocket::ipv6NoNoise);
        assertNull("kernel forwarded a malformed SRH: " + (fwd == null ? "" : Packets.hex(fwd)), fwd);
        assertNull("kernel answered a malformed SRH", tx.receive(300, RawSocket::ipv6NoNoise));
    }

    @Test
    public void kernelDropsEchoRequestToSidWithSegmentsLeftZeroSilently() {
        endSid();
        byte[] in = endPacket(0, 64, 58, List.of(DSID, "fc00:100::77"),
                Packets.icmpv6Echo(128, DifferentialCases.SRC, DSID, 1, 1, new byte[8]));
        tx.send(Packets.ethernet(topo.rH1Mac, topo.h1Mac, 0x86DD, in));
        byte[] back = tx.receive(500, RawSocket::ipv6NoNoise);
        assertNull("kernel answered an echo request to an End SID with SL 0: " + (back == null ? "" : Packets.hex(back)), back);
    }

    @Test
    public void kernelTimeExceededQuotesRewrittenPacket() {
        endSid();
        byte[] in = endPacket(1, 1, 17, List.of(DifferentialCases.FINAL, DSID),
                Packets.udp(DifferentialCases.SRC, DifferentialCases.FINAL, 1, 2, new byte[8]));
        tx.send(Packets.ethernet(topo.rH1Mac, topo.h1Mac, 0x86DD, in));
        byte[] got = tx.receive(2000, RawSocket::ipv6NoNoise);
        assertNotNull("kernel sent no Time Exceeded", got);
        assertEquals("ICMPv6 type", 3, got[54] & 0xff);
        int quote = 14 + 40 + 8;
        assertArrayEquals("quoted DA is the rewritten one (List[0])", Packets.ip(DifferentialCases.FINAL),
                Arrays.copyOfRange(got, quote + 24, quote + 40));
        assertEquals("quoted SL is the decremented one", 0, got[quote + 40 + 3] & 0xff);
    }
}
