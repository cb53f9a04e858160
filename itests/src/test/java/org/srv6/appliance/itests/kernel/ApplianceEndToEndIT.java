package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * End to end through the built distribution: kernel hosts H1 and H2 encapsulate with kernel seg6
 * and decapsulate with kernel End.DT6 table 255 / End.DX4 ({@link EndToEndHosts}); the appliance
 * in the middle runs End.X, configured only through {@code bin/srv6 client}. No static neighbors
 * anywhere: the hosts and the appliance find each other with NDP. {@code ping -6} and IPv4
 * {@code ping} must succeed both ways.
 */
public class ApplianceEndToEndIT {

    private static ApplianceTopology topo;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        topo = new ApplianceTopology("kte", false);
        try {
            EndToEndHosts.MIDDLE.forEach(topo.app::ok);
            EndToEndHosts.configure(topo.h1, "r1", topo.h2, "r2");
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        if (topo != null) {
            topo.close();
        }
    }

    private static void assertPing(Netns from, boolean ipv6, String src, String dst) {
        Netns.Result r = EndToEndHosts.ping(from, ipv6, src, dst);
        String why = "ping " + src + " -> " + dst + " " + EndToEndHosts.explain(r) + "\nsrv6:stats:\n"
                + topo.app.client("srv6:stats").stdout();
        assertEquals(why, 0, r.exitCode());
        assertTrue("3 replies expected: " + why, r.stdout().contains("3 received"));
    }

    @Test
    public void ping6FromH1ToH2ThroughApplianceEndX() {
        assertPing(topo.h1, true, "fc00:a1::1", "fc00:a2::1");
    }

    @Test
    public void ping6FromH2ToH1ThroughApplianceEndX() {
        assertPing(topo.h2, true, "fc00:a2::1", "fc00:a1::1");
    }

    @Test
    public void ping4FromH1ToH2ThroughApplianceEndX() {
        assertPing(topo.h1, false, "10.1.0.1", "10.2.0.1");
    }

    @Test
    public void ping4FromH2ToH1ThroughApplianceEndX() {
        assertPing(topo.h2, false, "10.2.0.1", "10.1.0.1");
    }
}
