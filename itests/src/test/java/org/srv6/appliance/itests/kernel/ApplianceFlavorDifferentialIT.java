package org.srv6.appliance.itests.kernel;


import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §1 differential for the endpoint flavors beyond End: End.X with NEXT-CSID (RFC 9800
 * §4.2), which this kernel implements. Each case goes once through a kernel router namespace and
 * once through the appliance, both configured with the same {@code ip} lines; the kernel output
 * is held against the RFC outcome written here, the appliance's against the kernel's, byte for
 * byte from the ethertype on. The new DA of every case routes back to H1 in the FIB, so a frame
 * at H2 proves that the adjacency nh6 was used.
 */
public class ApplianceFlavorDifferentialIT {

    private static final String SRC = DifferentialCases.SRC;
    private static final int FLOW = DifferentialCases.FLOW;

    /** Lines both routers get once: H1/H2 prefixes, and the new destinations pointing back to H1. */
    private static final List<String> BASE = List.of(
            "ip -6 route add fc00:1::/64 via fc00:12::1 dev r1",
            "ip -6 route add fc00:0:201::/48 via fc00:12::1 dev r1",
            "ip -6 route add fc00:0:202::/48 via fc00:12::1 dev r1",
            "ip -6 route add fc00:3::/64 via fc00:12::1 dev r1");

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("kfk", "kfa");
            BASE.forEach(rig::both);
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

    private static String endXCsid(String locator) {
        return "ip -6 route add " + locator + "/48 encap seg6local action End.X nh6 fc00:23::3"
                + " flavors next-csid lblen 32 nflen 16 dev r1";
    }

    private static byte[] udp6(String dst) {
        return Packets.udp(SRC, dst, 1234, 5678, "flavor differential".getBytes());
    }

    /** RFC 9800 §4.2 End.X NEXT-CSID without SRH: next C-SID shifted in, sent to nh6, hop limit - 1. */
    @Test
    public void endXNextCsidWithoutSrh() {
        String da = "fc00:0:110:201::";
        String next = "fc00:0:201::";
        byte[] udp = udp6(next);
        rig.compare(new Case("End.X next-csid without SRH", List.of(endXCsid("fc00:0:110::")), 0x86DD,
                Packets.ipv6(SRC, da, 17, 64, FLOW, udp),
                Packets.ipv6(SRC, next, 17, 63, FLOW, udp)));
    }

    /** RFC 9800 §4.2 with an SRH: the DA shift leaves the SRH untouched (SL stays 1). */
    @Test
    public void endXNextCsidShiftKeepsTheSrh() {
        String da = "fc00:0:111:202:300::";
        String fin = "fc00:3::9";
        rig.compare(new Case("End.X next-csid shift with SRH", List.of(endXCsid("fc00:0:111::")), 0x86DD,
                Packets.ipv6(SRC, da, 43, 20, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(fin, da), new byte[0], udp6(fin))),
                Packets.ipv6(SRC, "fc00:0:202:300::", 43, 19, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(fin, da), new byte[0], udp6(fin)))));
    }

    /** RFC 9800 §4.2, last C-SID of the container: End.X processing of the SRH (SL - 1, DA = List[SL]) to nh6. */
    @Test
    public void endXNextCsidLastCsidFallsBackToTheSrh() {
        String da = "fc00:0:112::";
        String fin = "fc00:3::9";
        rig.compare(new Case("End.X next-csid last C-SID", List.of(endXCsid("fc00:0:112::")), 0x86DD,
                Packets.ipv6(SRC, da, 43, 64, FLOW,
                        Packets.srh(17, 1, 0, 0x55, List.of(fin, da), Packets.padN(8), udp6(fin))),
                Packets.ipv6(SRC, fin, 43, 63, FLOW,
                        Packets.srh(17, 0, 0, 0x55, List.of(fin, da), Packets.padN(8), udp6(fin)))));
    }
}
