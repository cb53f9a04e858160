package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.Arrays;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.FrameDiff;

/**
 * SPEC §1 differential: every {@link DifferentialCases} row goes once through a kernel router
 * namespace and once through the appliance (its TAP ports moved into H1 and H2), both configured
 * with the same {@code ip} lines; the frames captured at H2 must be equal byte for byte from the
 * ethertype on. The kernel output is also held against the row's RFC outcome, as in
 * {@link KernelRouterIT}, so that a failure says which side departs.
 */
public class ApplianceDifferentialIT {

    private static KernelTopology kernel;
    private static RawSocket ktx;
    private static RawSocket krx;

    private static ApplianceTopology appliance;
    private static RawSocket atx;
    private static RawSocket arx;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            kernel = new KernelTopology("ktd");
            ktx = RawSocket.open(kernel.h1, "e0");
            krx = RawSocket.open(kernel.h2, "e0");
            appliance = new ApplianceTopology("kta", true);
            atx = appliance.h1Socket();
            arx = appliance.h2Socket();
            DifferentialCases.BASE.forEach(ApplianceDifferentialIT::both);
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    /** Applies one line to both routers; the appliance must accept it. */
    static void both(String line) {
        kernel.router(line);
        appliance.app.ok(line);
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(ktx, krx, atx, arx, appliance, kernel);
    }

    @Before
    public void drain() {
        krx.drain();
        arx.drain();
    }

    private static void compare(Case c) {
        byte[] k = KernelRouterIT.throughKernel(kernel, ktx, krx, c);
        assertNotNull(c.rule() + ": kernel router forwarded nothing", k);
        assertNull(c.rule() + ": kernel output differs from the RFC outcome",
                FrameDiff.diff(Packets.ethernet(kernel.h2Mac, kernel.rH2Mac, c.expectedEthertype(), c.expected()), k, false));

        c.lines().forEach(appliance.app::ok);
        arx.drain();
        atx.send(Packets.ethernet(appliance.appR1Mac, appliance.h1Mac, c.ethertype(), c.input()));
        byte[] a = arx.receive(2000, DifferentialCases::forwarded);
        assertNotNull(c.rule() + ": appliance forwarded nothing; input " + Packets.hex(c.input()), a);
        String diff = FrameDiff.diff(k, a, false);
        assertNull(c.rule() + ": appliance output differs from the kernel's (expected = kernel); input "
                + Packets.hex(c.input()) + "\n" + diff, diff);
        assertArrayEquals(c.rule() + ": Ethernet destination must be H2", appliance.h2Mac, Arrays.copyOf(a, 6));
        assertArrayEquals(c.rule() + ": Ethernet source must be the appliance's r2", appliance.appR2Mac,
                Arrays.copyOfRange(a, 6, 12));
    }

    @Test
    public void end() {
        compare(DifferentialCases.end());
    }

    @Test
    public void endFlavorPsp() {
        compare(DifferentialCases.endPsp());
    }

    @Test
    public void endNextCsidShiftsNextCsidIntoDestination() {
        compare(DifferentialCases.endNextCsidShift());
    }

    @Test
    public void endNextCsidLastCsidFallsBackToSrh() {
        compare(DifferentialCases.endNextCsidLastCsid());
    }

    @Test
    public void endNextCsidWithoutSrh() {
        compare(DifferentialCases.endNextCsidNoSrh());
    }

    @Test
    public void endX() {
        compare(DifferentialCases.endX());
    }

    @Test
    public void tEncapsIpv6() {
        compare(DifferentialCases.tEncapsIpv6());
    }

    @Test
    public void tEncapsIpv4() {
        compare(DifferentialCases.tEncapsIpv4());
    }

    @Test
    public void endMiddleSegment() {
        compare(DifferentialCases.endMiddleSegment());
    }

    @Test
    public void tEncapsThreeSegments() {
        compare(DifferentialCases.tEncapsThreeSegments());
    }

    @Test
    public void tInsertTwoSegments() {
        compare(DifferentialCases.tInsertTwoSegments());
    }

    @Test
    public void tInsert() {
        compare(DifferentialCases.tInsert());
    }

    @Test
    public void tEncapsWithSrTunsrc() {
        both("ip sr tunsrc set fc00:5::5");
        try {
            compare(DifferentialCases.tEncapsSrTunsrc("fc00:5::5"));
        } finally {
            both("ip sr tunsrc set ::");
        }
    }

    @Test
    public void ipv6Forwarding() {
        compare(DifferentialCases.ipv6Forwarding());
    }

    @Test
    public void ipv4Forwarding() {
        compare(DifferentialCases.ipv4Forwarding());
    }
}
