package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.srv6.appliance.testkit.FrameDiff;
import org.srv6.appliance.testkit.Packets;

/**
 * The SPEC §1 differential cases over AF_PACKET ports: the appliance attached to veth ends in its
 * namespace ({@code ip link add rN type packet dev vN}) instead of TAPs, each row through a kernel
 * router and through the appliance, H2's frames equal byte for byte; then the hosts ping it (NDP
 * and ARP answered with the veth's MAC) and, last, a restart attaches the ports again from the
 * saved configuration.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ApplianceAfPacketIT {

    private static DifferentialRig rig;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            rig = DifferentialRig.open("afk", "afa", true);
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
    public void a1LinkShowSaysHowThePortIsMadeAndItsRings() {
        String show = rig.appliance.app.ok("ip -d link show r1");
        assertTrue(show, show.contains("\n    type packet dev v1\n"));
        assertTrue(show, show.contains("\n    rings rx tpacket_v3 "));
        assertTrue(rig.appliance.app.ok("ip link show r2").contains("\n    type packet dev v2\n"));
        assertTrue(rig.appliance.app.ok("srv6:config show").contains("ip link add r1 type packet dev v1"));
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
    public void endX() {
        rig.compare(DifferentialCases.endX());
    }

    @Test
    public void endMiddleSegment() {
        rig.compare(DifferentialCases.endMiddleSegment());
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
    public void tInsert() {
        rig.compare(DifferentialCases.tInsert());
    }

    @Test
    public void ipv6Forwarding() {
        rig.compare(DifferentialCases.ipv6Forwarding());
    }

    @Test
    public void ipv4Forwarding() {
        rig.compare(DifferentialCases.ipv4Forwarding());
    }

    @Test
    public void p1HostsPingTheApplianceAfterResolvingItWithNdpAndArp() {
        ApplianceTopology t = rig.appliance;
        t.h1.sh("ip neigh flush all && ping -c 2 -i 0.2 -w 6 fc00:12::2 && ping -c 2 -i 0.2 -w 6 10.12.0.2");
        String n = t.h1.sh("ip neigh show dev r1").stdout();
        String mac = KernelTopology.hex(t.appR1Mac);
        assertTrue(n, n.contains("fc00:12::2 lladdr " + mac) && n.contains("10.12.0.2 lladdr " + mac));
        assertEquals("the port answers with v1's MAC", t.r.sh("cat /sys/class/net/v1/address").stdout().strip(), mac);
    }

    /** Last (the End case's SID, configured by {@link #end()}, comes back with the saved configuration). */
    @Test
    public void z9RestartAttachesThePortsAgainAndTheyForward() {
        ApplianceTopology t = rig.appliance;
        assertEquals(0, t.app.srv6("stop").exitCode());
        t.app.boot();
        assertTrue(t.app.ok("ip -d link show r1").contains("\n    type packet dev v1\n"));
        assertTrue(t.app.ok("ip -d link show r2").contains("\n    rings rx tpacket_v3 "));
        DifferentialCases.Case c = DifferentialCases.end();
        rig.drain();
        rig.atx.send(Packets.ethernet(t.appR1Mac, t.h1Mac, c.ethertype(), c.input()));
        byte[] out = rig.arx.receive(2000, DifferentialCases::forwarded);
        assertNotNull("nothing forwarded after the restart\n" + t.app.logTail(20), out);
        String diff = FrameDiff.diff(Packets.ethernet(t.h2Mac, t.appR2Mac, c.expectedEthertype(), c.expected()), out, false);
        assertNull(c.rule() + " after the restart: " + diff, diff);
    }

    /** The appliance runs with PARANOID leak detection here: nothing reported in its log. */
    @Test
    public void z9zNoBufferLeakReported() throws java.io.IOException {
        String log = java.nio.file.Files.readString(rig.appliance.app.home().resolve("var/log/srv6.log"));
        assertTrue(log.substring(Math.max(0, log.indexOf("LEAK:") - 200)), log.indexOf("LEAK:") < 0);
    }
}
