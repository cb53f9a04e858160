package org.srv6.appliance.itests.kernel;



import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * SPEC §1 differential: every {@link DifferentialCases} row goes once through a kernel router
 * namespace and once through the appliance (its TAP ports moved into H1 and H2), both configured
 * with the same {@code ip} lines; the frames captured at H2 must be equal byte for byte from the
 * ethertype on. The kernel output is also held against the row's RFC outcome, as in
 * {@link KernelRouterIT}, so that a failure says which side departs.
 */
public class ApplianceDifferentialIT {

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("ktd", "kta");
            DifferentialCases.BASE.forEach(rig::both);
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

    @Test
    public void end() {
        rig.compare(DifferentialCases.end());
    }

    @Test
    public void endFlavorPsp() {
        rig.compare(DifferentialCases.endPsp());
    }

    @Test
    public void endNextCsidShiftsNextCsidIntoDestination() {
        rig.compare(DifferentialCases.endNextCsidShift());
    }

    @Test
    public void endNextCsidLastCsidFallsBackToSrh() {
        rig.compare(DifferentialCases.endNextCsidLastCsid());
    }

    @Test
    public void endNextCsidWithoutSrh() {
        rig.compare(DifferentialCases.endNextCsidNoSrh());
    }

    @Test
    public void endX() {
        rig.compare(DifferentialCases.endX());
    }

    @Test
    public void tEncapsIpv6() {
        rig.compare(DifferentialCases.tEncapsIpv6());
    }

    @Test
    public void tEncapsIpv4() {
        rig.compare(DifferentialCases.tEncapsIpv4());
    }

    @Test
    public void endMiddleSegment() {
        rig.compare(DifferentialCases.endMiddleSegment());
    }

    @Test
    public void tEncapsThreeSegments() {
        rig.compare(DifferentialCases.tEncapsThreeSegments());
    }

    @Test
    public void tInsertTwoSegments() {
        rig.compare(DifferentialCases.tInsertTwoSegments());
    }

    @Test
    public void tInsert() {
        rig.compare(DifferentialCases.tInsert());
    }

    @Test
    public void tEncapsWithSrTunsrc() {
        rig.both("ip sr tunsrc set fc00:5::5");
        try {
            rig.compare(DifferentialCases.tEncapsSrTunsrc("fc00:5::5"));
        } finally {
            rig.both("ip sr tunsrc set ::");
        }
    }

    @Test
    public void ipv6Forwarding() {
        rig.compare(DifferentialCases.ipv6Forwarding());
    }

    @Test
    public void ipv4Forwarding() {
        rig.compare(DifferentialCases.ipv4Forwarding());
    }
}
