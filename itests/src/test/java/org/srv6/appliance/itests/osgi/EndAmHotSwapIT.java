package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for End.AM (draft-ietf-spring-sr-service-programming §6.4) while traffic flows through
 * memory ports: pm0 the network side, pm1 the service's port (oif and iif), pm2 toward the next
 * segment. With the bundle uninstalled the SID is inactive, its packets are counted as
 * behavior-absent and nothing reaches the service or the next segment, while End keeps
 * forwarding; reinstalled, both directions (to the service, and back from it) work again byte for
 * byte. Under a stream of frames sent while the bundle goes and comes back every frame either
 * reaches the service or is counted absent; an update (make-before-break) loses none in either
 * direction. No buffer held or leaked.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EndAmHotSwapIT extends OsgiTestSupport {
    private static final int CYCLES = 3;
    private static final String ARTIFACT = "srv6-behavior-end-am";
    private static final String HOST = "2001:db8::2";
    private static final String HOST_MAC = "02:00:00:00:00:02";
    private static final String SERVICE = "2001:db8:1::2";
    private static final String SERVICE_MAC = "02:00:00:00:01:02";
    private static final String PEER = "2001:db8:2::2";
    private static final String PEER_MAC = "02:00:00:00:02:02";
    private static final String END_SID = "fc00:1::1";
    private static final String AM_SID = "fc00:1::40";
    /** Routed via PEER on pm2: the segment after the service. */
    private static final String NEXT = "fc00:2::1";
    /** The last segment, the service's destination while masqueraded. */
    private static final String LAST = "fc00:3::6";

    /** A frame injected on {@code in}, and the frame that must leave {@code out} for it. */
    private record Probe(String what, MemoryPort in, byte[] frame, MemoryPort out, byte[] expected) {
    }

    private static Probe toEnd;
    private static Probe toService;
    private static Probe fromService;

    @Inject
    BundleContext context;

    private final LeakWatch leaks = new LeakWatch();

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("end-am-hotswap"), "srv6-core"), packetBuilder()};
    }

    @Before
    public void setUp() throws Exception {
        leaks.start();
        if (toEnd == null) {
            topology();
        }
    }

    @After
    public void release() {
        leaks.stop();
    }

    @Test
    public void endAmComesAndGoesWhileTrafficFlows() throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        SrService sr = service(context, SrService.class, null, 10_000);
        Counters counters = service(context, Counters.class, null, 10_000);
        assertNotNull("the core's services are not registered", counters);
        assertTrue("End.AM SID inactive before the swap", sid(sr, AM_SID).active());
        everyoneForwards(true);

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String at = "cycle " + cycle + ": ";
            long packets = sid(sr, AM_SID).packets();
            Bundle b = bundleNamed(context, ARTIFACT);
            assertNotNull(at + "no bundle " + ARTIFACT, b);
            String location = b.getLocation();

            b.uninstall();
            waitFor(at + "SID inactive", 10_000, () -> !sid(sr, AM_SID).active());
            long absent = absent(counters);
            toService.in().inject(toService.frame());
            assertNull(at + "a packet to the inactive SID reached the service", toService.out().poll(200));
            waitFor(at + "behavior-absent drop counted", 5_000, () -> absent(counters) == absent + 1);
            // what the service still sends is no longer de-masqueraded: nothing goes to the next segment
            fromService.in().inject(fromService.frame());
            assertNull(at + "a returning packet was de-masqueraded without End.AM", fromService.out().poll(200));
            drain();
            everyoneForwards(false);

            b = context.installBundle(location);
            b.start();
            assertEquals(at + "reinstalled under another name", ARTIFACT, b.getSymbolicName());
            waitFor(at + "SID active again", 10_000, () -> sid(sr, AM_SID).active());
            everyoneForwards(true);
            assertTrue(at + "SID counters restarted", sid(sr, AM_SID).packets() > packets);
        }

        underTraffic(sr, counters);
        updateLosesNothing(toService, counters);
        updateLosesNothing(fromService, counters);

        waitFor("every buffer released", 5_000, () -> counters.buffersHeld() == 0);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            assertForwarded("after the swaps: ", toEnd);
        }
        assertEquals("Netty reported leaks", List.of(), leaks.reports());
    }

    /** Frames to the SID while the bundle is uninstalled and installed again: each reaches the service or is counted absent. */
    private void underTraffic(SrService sr, Counters counters) throws Exception {
        Bundle b = bundleNamed(context, ARTIFACT);
        String location = b.getLocation();
        long absent = absent(counters);
        Thread swapper = new Thread(() -> {
            try {
                b.uninstall();
                Thread.sleep(20);
                context.installBundle(location).start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        swapper.start();
        int sent = 0;
        while (swapper.isAlive() || sent < 50) {
            toService.in().inject(toService.frame());
            sent++;
            Thread.sleep(1);
        }
        swapper.join();
        waitFor("active after the swap under traffic", 10_000, () -> sid(sr, AM_SID).active());
        for (int i = 0; i < 10; i++) {
            toService.in().inject(toService.frame());
            sent++;
        }
        int forwarded = 0;
        byte[] got;
        while ((got = toService.out().poll(300)) != null) {
            assertEquals("under traffic: a frame to the service", Packets.hex(toService.expected()), Packets.hex(got));
            forwarded++;
        }
        int f = forwarded;
        int s = sent;
        waitFor("under traffic: " + s + " sent = to the service " + f + " + behavior-absent "
                + (absent(counters) - absent), 5_000, () -> f + absent(counters) - absent == s);
        assertTrue("under traffic: nothing got through", forwarded > 0);
        assertForwarded("after the swap under traffic: ", toService);
        assertForwarded("after the swap under traffic: ", fromService);
    }

    /** Bundle update while frames flow: the new instance replaces the old, no frame lost or absent. */
    private void updateLosesNothing(Probe p, Counters counters) throws Exception {
        long absent = absent(counters);
        Bundle b = bundleNamed(context, ARTIFACT);
        Thread updater = new Thread(() -> {
            try {
                b.update();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        updater.start();
        int sent = 0;
        while (updater.isAlive() || sent < 20) {
            p.in().inject(p.frame());
            sent++;
            Thread.sleep(1);
        }
        updater.join();
        for (int i = 0; i < sent; i++) {
            byte[] got = p.out().poll(2_000);
            assertNotNull(p.what() + " update: frame " + i + " of " + sent + " was lost", got);
            assertEquals(p.what() + " update: frame " + i, Packets.hex(p.expected()), Packets.hex(got));
        }
        assertEquals(p.what() + " update: packets met an absent behavior", absent, absent(counters));
    }

    private static long absent(Counters counters) {
        return counters.drops().getOrDefault("behavior-absent", 0L);
    }

    private static void everyoneForwards(boolean withEndAm) throws Exception {
        String at = withEndAm ? "" : "while End.AM is absent: ";
        assertForwarded(at, toEnd);
        if (withEndAm) {
            assertForwarded(at, toService);
            assertForwarded(at, fromService);
        }
    }

    /** Drops whatever the ports sent meanwhile (e.g. ICMP errors about unclaimed packets). */
    private static void drain() throws InterruptedException {
        for (Probe p : List.of(toService, fromService)) {
            while (p.in().poll(50) != null || p.out().poll(50) != null) {
                // nothing
            }
        }
    }

    private static void assertForwarded(String at, Probe p) throws Exception {
        p.in().inject(p.frame());
        byte[] got = p.out().poll(2_000);
        assertNotNull(at + p.what() + ": nothing left", got);
        assertEquals(at + p.what() + ": frame", Packets.hex(p.expected()), Packets.hex(got));
        assertFalse(at + p.what() + ": sent twice", p.out().poll(20) != null);
    }

    private static Ipv6Builder am(String da, int sl, int hl) {
        return Packets.ipv6(HOST, da).hopLimit(hl).srh(sl, AM_SID, NEXT, LAST)
                .ipv6(Packets.ipv6("2001:db8:a::1", "2001:db8:b::2").udp(1000, 2000, Packets.fill(24, 5)));
    }

    private void topology() throws Exception {
        Bundle builder = bundleNamed(context, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        Path home = Path.of(context.getProperty("srv6.home"));
        for (String a : List.of("srv6-behavior-end", ARTIFACT)) {
            context.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : List.of("End", "End.AM")) {
            assertNotNull("no " + k + " behavior registered",
                    service(context, Behavior.class, "(" + Behavior.KEYWORD_PROPERTY + "=" + k + ")", 10_000));
        }
        PortService portService = service(context, PortService.class, null, 10_000);
        AddressService addresses = service(context, AddressService.class, null, 10_000);
        RouteService routes = service(context, RouteService.class, null, 10_000);
        NeighborService neighbors = service(context, NeighborService.class, null, 10_000);
        assertNotNull("the core's services are not registered", neighbors);
        builder.start();

        MemoryPort pm0 = portService.addMemory("pm0");
        MemoryPort pm1 = portService.addMemory("pm1");
        MemoryPort pm2 = portService.addMemory("pm2");
        for (String n : List.of("pm0", "pm1", "pm2")) {
            portService.setUp(n, true);
        }
        addresses.add("pm0", "2001:db8::1/64");
        addresses.add("pm1", "2001:db8:1::1/64");
        addresses.add("pm2", "2001:db8:2::1/64");
        neighbors.add(HOST, HOST_MAC, "pm0");
        neighbors.add(SERVICE, SERVICE_MAC, "pm1");
        neighbors.add(PEER, PEER_MAC, "pm2");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER, "pm2", 254, 1024, null, null, null));
        routes.add(new RouteSpec(6, END_SID + "/128", null, "pm0", 254, 1024, RouteSpec.SEG6LOCAL, "End", List.of()));
        routes.add(new RouteSpec(6, AM_SID + "/128", null, "pm0", 254, 1024, RouteSpec.SEG6LOCAL, "End.AM",
                List.of("nh6", SERVICE, "oif", "pm1", "iif", "pm1")));
        String mac0 = portService.get("pm0").mac();
        String mac1 = portService.get("pm1").mac();
        String mac2 = portService.get("pm2").mac();
        byte[] data = Packets.fill(32, 7);

        toEnd = new Probe("End", pm0, Packets.ethernet(mac0, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, END_SID).srh(1, END_SID, NEXT).udp(1, 2, data).bytes()), pm2,
                Packets.ethernet(PEER_MAC, mac2, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, END_SID, NEXT).udp(1, 2, data).bytes()));
        // masquerading: SL 2 -> 1, DA = Segment List[0], hop limit -1, to the service
        toService = new Probe("End.AM to the service", pm0, Packets.ethernet(mac0, HOST_MAC, Packets.ETH_IPV6,
                am(AM_SID, 2, 64).bytes()), pm1, Packets.ethernet(SERVICE_MAC, mac1, Packets.ETH_IPV6, am(LAST, 1, 63).bytes()));
        // de-masquerading: DA = Segment List[SL], hop limit -1 again, toward the next segment
        fromService = new Probe("End.AM back from the service", pm1, Packets.ethernet(mac1, SERVICE_MAC, Packets.ETH_IPV6,
                am(LAST, 1, 62).bytes()), pm2, Packets.ethernet(PEER_MAC, mac2, Packets.ETH_IPV6, am(NEXT, 1, 61).bytes()));
    }
}
