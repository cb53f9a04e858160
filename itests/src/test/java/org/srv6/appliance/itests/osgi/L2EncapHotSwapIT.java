package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.srv6.appliance.api.dataplane.SteerInfo;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for H.Encaps.L2 ({@code l2encap}) and H.Encaps.L2.Red ({@code l2encap.red}) while
 * frames flow through memory ports: each is used by a steered port (every frame of ls0 or ls1)
 * and by a route ({@code encap seg6 mode ...}). Uninstalling a bundle makes its steering and its
 * route inactive, their frames counted as behavior-absent (nothing leaves), while the other
 * behavior and an End SID keep forwarding; reinstalling it brings both back with the exact frames.
 * An update of the bundle while frames keep coming is make-before-break: not one frame meets an
 * absent behavior or is lost.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class L2EncapHotSwapIT extends OsgiTestSupport {
    private static final int CYCLES = 3;
    private static final String HOST = "2001:db8:3::2";
    private static final String HOST_MAC = "02:00:00:00:03:02";
    private static final String PEER = "2001:db8:2::2";
    private static final String PEER_MAC = "02:00:00:00:02:02";
    private static final String TUNSRC = "fc00:aa::1";
    private static final String END_SID = "fc00:1::1";

    /** One frame in on a port, and the frame that must leave ls2 for it. */
    private record Probe(String what, MemoryPort in, byte[] frame, byte[] expected) {
    }

    /** A behavior under test: its bundle, its steered port and its probes (steering, route form). */
    private record Case(String keyword, String artifact, String port, List<Probe> probes) {
    }

    private static Map<String, Case> cases;
    private static MemoryPort out;
    private static Probe toEnd;

    @Inject
    BundleContext context;

    private final LeakWatch leaks = new LeakWatch();

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("l2encap-hotswap"), "srv6-core"), packetBuilder()};
    }

    @Before
    public void setUp() throws Exception {
        leaks.start();
        if (cases == null) {
            topology();
        }
    }

    @After
    public void release() {
        leaks.stop();
    }

    @Test
    public void l2encap() throws Exception {
        swap("l2encap");
    }

    @Test
    public void l2encapRed() throws Exception {
        swap("l2encap.red");
    }

    private static SteerInfo steer(SrService sr, String port) {
        for (SteerInfo s : sr.steering()) {
            if (s.port().equals(port)) {
                return s;
            }
        }
        throw new AssertionError("port " + port + " is not steered: " + sr.steering());
    }

    private void swap(String keyword) throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        Case c = cases.get(keyword);
        SrService sr = service(context, SrService.class, null, 10_000);
        Counters counters = service(context, Counters.class, null, 10_000);
        assertNotNull("the core's services are not registered", counters);
        assertTrue(keyword + " steering inactive before the swap", steer(sr, c.port()).active());
        everyoneForwards(null);

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String at = keyword + ", cycle " + cycle + ": ";
            long steered = steer(sr, c.port()).packets();
            Bundle b = bundleNamed(context, c.artifact());
            assertNotNull(at + "no bundle " + c.artifact(), b);
            String location = b.getLocation();

            b.uninstall();
            waitFor(at + "steering inactive", 10_000, () -> !steer(sr, c.port()).active());
            long absent = counters.drops().getOrDefault("behavior-absent", 0L);
            for (Probe p : c.probes()) {
                p.in().inject(p.frame());
                assertNull(at + p.what() + ": a frame for an absent behavior left the appliance", out.poll(200));
            }
            long expectedAbsent = absent + c.probes().size();
            waitFor(at + "behavior-absent drops counted", 5_000,
                    () -> counters.drops().getOrDefault("behavior-absent", 0L) == expectedAbsent);
            everyoneForwards(keyword);

            b = context.installBundle(location);
            b.start();
            assertEquals(at + "reinstalled under another name", c.artifact(), b.getSymbolicName());
            waitFor(at + "steering active again", 10_000, () -> steer(sr, c.port()).active());
            for (Probe p : c.probes()) {
                assertForwarded(at, p);
            }
            assertTrue(at + "steering counters go on", steer(sr, c.port()).packets() >= steered + 2);
            everyoneForwards(null);
        }

        // an update under traffic is make-before-break: no frame meets an absent behavior, none is lost
        Probe steered = c.probes().get(0);
        long absentBefore = counters.drops().getOrDefault("behavior-absent", 0L);
        long packetsBefore = steer(sr, c.port()).packets();
        Bundle b = bundleNamed(context, c.artifact());
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
            steered.in().inject(steered.frame());
            sent++;
            Thread.sleep(1);
        }
        updater.join();
        for (int i = 0; i < sent; i++) {
            byte[] got = out.poll(2_000);
            assertNotNull(keyword + " update: frame " + i + " of " + sent + " was lost", got);
            assertEquals(keyword + " update: frame " + i, Packets.hex(steered.expected()), Packets.hex(got));
        }
        assertEquals(keyword + " update: frames met an absent behavior", absentBefore,
                (long) counters.drops().getOrDefault("behavior-absent", 0L));
        assertTrue(keyword + " update: steering inactive", steer(sr, c.port()).active());
        assertEquals(keyword + " update: steering counters", packetsBefore + sent, steer(sr, c.port()).packets());

        waitFor("every buffer released", 5_000, () -> counters.buffersHeld() == 0);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            assertForwarded(keyword + ": ", toEnd);
        }
        assertEquals("Netty reported leaks", List.of(), leaks.reports());
    }

    /** The End SID and every behavior but {@code absent} forward their frames. */
    private static void everyoneForwards(String absent) throws Exception {
        String at = absent == null ? "" : "while " + absent + " is absent: ";
        assertForwarded(at, toEnd);
        for (Case c : cases.values()) {
            if (!c.keyword().equals(absent)) {
                for (Probe p : c.probes()) {
                    assertForwarded(at, p);
                }
            }
        }
    }

    private static void assertForwarded(String at, Probe p) throws Exception {
        p.in().inject(p.frame());
        byte[] got = out.poll(2_000);
        assertNotNull(at + p.what() + ": nothing left ls2", got);
        assertEquals(at + p.what(), Packets.hex(p.expected()), Packets.hex(got));
    }

    private void topology() throws Exception {
        Bundle builder = bundleNamed(context, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        Path home = Path.of(context.getProperty("srv6.home"));
        for (String a : List.of("srv6-behavior-end", "srv6-behavior-t-encaps-l2", "srv6-behavior-t-encaps-l2-red")) {
            context.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : List.of("End", "l2encap", "l2encap.red")) {
            assertNotNull("no " + k + " behavior registered",
                    service(context, Behavior.class, "(" + Behavior.KEYWORD_PROPERTY + "=" + k + ")", 10_000));
        }
        PortService portService = service(context, PortService.class, null, 10_000);
        AddressService addresses = service(context, AddressService.class, null, 10_000);
        RouteService routes = service(context, RouteService.class, null, 10_000);
        NeighborService neighbors = service(context, NeighborService.class, null, 10_000);
        SrService sr = service(context, SrService.class, null, 10_000);
        assertNotNull("the core's services are not registered", sr);
        builder.start();

        Map<String, MemoryPort> p = new LinkedHashMap<>();
        for (String name : List.of("ls0", "ls1", "ls2", "ls3")) {
            p.put(name, portService.addMemory(name));
            portService.setUp(name, true);
        }
        addresses.add("ls2", "2001:db8:2::1/64");
        addresses.add("ls3", "2001:db8:3::1/64");
        neighbors.add(PEER, PEER_MAC, "ls2");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER, "ls2", 254, 1024, null, null, null));
        sr.setTunnelSource(TUNSRC);
        routes.add(new RouteSpec(6, END_SID + "/128", null, "ls3", 254, 1024, RouteSpec.SEG6LOCAL, "End", List.of()));
        routes.add(new RouteSpec(6, "fc00:9:1::/64", null, "ls2", 254, 1024, RouteSpec.SEG6, "l2encap",
                List.of("segs", "fc00:2::11,fc00:2::12")));
        routes.add(new RouteSpec(6, "fc00:9:2::/64", null, "ls2", 254, 1024, RouteSpec.SEG6, "l2encap.red",
                List.of("segs", "fc00:2::21")));
        sr.addSteer("ls0", "l2encap", List.of("segs", "fc00:2::1,fc00:2::2"));
        sr.addSteer("ls1", "l2encap.red", List.of("segs", "fc00:2::3"));
        String outMac = portService.get("ls2").mac();
        String ls3Mac = portService.get("ls3").mac();

        byte[] arp = Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:a1", Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:00:a1", "10.5.0.1", "00:00:00:00:00:00", "10.5.0.2"));
        byte[] other = Packets.ethernet("02:00:00:00:00:b2", "02:00:00:00:00:b1", 0x88b5, Packets.fill(48, 6));
        byte[] routed1 = Packets.ethernet(ls3Mac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, "fc00:9:1::5").hopLimit(30).udp(7, 8, Packets.fill(16, 7)).bytes());
        byte[] routed2 = Packets.ethernet(ls3Mac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, "fc00:9:2::5").hopLimit(30).udp(7, 8, Packets.fill(16, 8)).bytes());

        Map<String, Case> c = new LinkedHashMap<>();
        c.put("l2encap", new Case("l2encap", "srv6-behavior-t-encaps-l2", "ls0", List.of(
                new Probe("ARP broadcast steered on ls0", p.get("ls0"), arp, toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::1").srh(1, "fc00:2::1", "fc00:2::2").hopLimit(63)
                                .payload(143, arp).bytes())),
                new Probe("route fc00:9:1::/64", p.get("ls3"), routed1, toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::11").srh(1, "fc00:2::11", "fc00:2::12").hopLimit(29)
                                .payload(143, routed1).bytes())))));
        c.put("l2encap.red", new Case("l2encap.red", "srv6-behavior-t-encaps-l2-red", "ls1", List.of(
                new Probe("0x88b5 frame to a foreign MAC steered on ls1", p.get("ls1"), other, toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::3").hopLimit(63).payload(143, other).bytes())),
                new Probe("route fc00:9:2::/64", p.get("ls3"), routed2, toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::21").hopLimit(29).payload(143, routed2).bytes())))));

        byte[] srh = Packets.cat(Packets.srh(1).segments("fc00:2::99", END_SID).bytes(Packets.PROTO_NONE),
                Packets.fill(8, 5));
        byte[] sent = Packets.ethernet(ls3Mac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, END_SID, Packets.PROTO_ROUTING, 64, 0, srh));
        byte[] srhAfter = Packets.cat(Packets.srh(0).segments("fc00:2::99", END_SID).bytes(Packets.PROTO_NONE),
                Packets.fill(8, 5));
        toEnd = new Probe("End", p.get("ls3"), sent,
                toPeer(outMac, Packets.ipv6(HOST, "fc00:2::99", Packets.PROTO_ROUTING, 63, 0, srhAfter)));
        out = p.get("ls2");
        cases = c;
    }

    private static byte[] toPeer(String outMac, byte[] ipv6) {
        return Packets.ethernet(PEER_MAC, outMac, Packets.ETH_IPV6, ipv6);
    }
}
