package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The end-to-end host configuration of {@link EndToEndHosts} with a kernel router as the End.X
 * middle node: proves the hosts' seg6 encapsulation and End.DT6 / End.DX4 decapsulation, so that
 * {@link ApplianceEndToEndIT} only depends on the appliance.
 */
public class KernelEndToEndIT {

    private static KernelTopology topo;

    @BeforeClass
    public static void setUp() {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        topo = new KernelTopology("ktf");
        try {
            EndToEndHosts.MIDDLE.forEach(topo::router);
            EndToEndHosts.configure(topo.h1, "e0", topo.h2, "e0");
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
        assertEquals("ping " + src + " -> " + dst + " " + EndToEndHosts.explain(r), 0, r.exitCode());
        assertTrue("3 replies expected: " + r.stdout(), r.stdout().contains("3 received"));
    }

    @Test
    public void ping6FromH1ToH2ThroughKernelEndX() {
        assertPing(topo.h1, true, "fc00:a1::1", "fc00:a2::1");
    }

    @Test
    public void ping6FromH2ToH1ThroughKernelEndX() {
        assertPing(topo.h2, true, "fc00:a2::1", "fc00:a1::1");
    }

    @Test
    public void ping4FromH1ToH2ThroughKernelEndX() {
        assertPing(topo.h1, false, "10.1.0.1", "10.2.0.1");
    }

    @Test
    public void ping4FromH2ToH1ThroughKernelEndX() {
        assertPing(topo.h2, false, "10.2.0.1", "10.1.0.1");
    }
}
