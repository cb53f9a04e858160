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
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for End.BM (RFC 8986 §4.15) and End.S (draft-filsfils-spring-srv6-network-programming-06
 * §4.18) while traffic flows through memory ports: with its bundle uninstalled a SID is inactive,
 * its packets are counted as behavior-absent and nothing of them leaves, while End and the other
 * behavior keep forwarding; reinstalled from the same location it forwards again, byte for byte.
 * Under a stream of frames sent while the bundle goes and comes back every frame is either
 * forwarded or counted absent; an update (make-before-break) loses none. No buffer held or leaked.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MplsSearchHotSwapIT extends OsgiTestSupport {
    private static final int CYCLES = 3;
    private static final int TABLE = 100;
    private static final String HOST = "2001:db8::2";
    private static final String HOST_MAC = "02:00:00:00:00:02";
    private static final String END_SID = "fc00:1::1";
    private static final String BM6_SID = "fc00:1::20";
    private static final String BM4_SID = "fc00:1::21";
    private static final String S_SID = "fc00:1::30";
    /** Routed in main via PEER6: End's and End.BM's next segment. */
    private static final String NEXT = "fc00:2::1";
    /** Routed in table 100 only: End.S's object that matches. */
    private static final String OBJECT_IN_TABLE = "2001:db8:100::5";
    /** Routed nowhere: End.S's object that does not match. */
    private static final String OBJECT_ELSEWHERE = "2001:db8:300::5";
    private static final String PEER6 = "2001:db8:1::2";
    private static final String PEER6_MAC = "02:00:00:00:01:02";
    private static final String PEER4 = "10.0.1.2";
    private static final String PEER4_MAC = "02:00:00:00:02:02";
    private static final int MPLS = 0x8847;

    /** One frame sent to a SID, and the frame that must leave {@code port} for it. */
    private record Probe(String what, byte[] frame, String port, byte[] expected) {
    }

    /** A behavior under test: its bundle and its probes. */
    private record Case(String keyword, String artifact, List<String> sids, List<Probe> probes) {
    }

    private static Map<String, Case> cases;
    private static Map<String, MemoryPort> ports;
    private static Probe toEnd;
    private static MemoryPort in;

    @Inject
    BundleContext context;

    private final LeakWatch leaks = new LeakWatch();

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("mpls-search-hotswap"), "srv6-core"), packetBuilder()};
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
    public void endBM() throws Exception {
        swap("End.BM");
    }

    @Test
    public void endS() throws Exception {
        swap("End.S");
    }

    private void swap(String keyword) throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        Case c = cases.get(keyword);
        SrService sr = service(context, SrService.class, null, 10_000);
        Counters counters = service(context, Counters.class, null, 10_000);
        assertNotNull("the core's services are not registered", counters);
        for (String s : c.sids()) {
            assertTrue(keyword + " SID " + s + " inactive before the swap", sid(sr, s).active());
        }
        everyoneForwards(null);

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String at = keyword + ", cycle " + cycle + ": ";
            long packets = sid(sr, c.sids().get(0)).packets();
            Bundle b = bundleNamed(context, c.artifact());
            assertNotNull(at + "no bundle " + c.artifact(), b);
            String location = b.getLocation();

            b.uninstall();
            for (String s : c.sids()) {
                waitFor(at + "SID " + s + " inactive", 10_000, () -> !sid(sr, s).active());
            }
            long absent = absent(counters);
            for (Probe p : c.probes()) {
                in.inject(p.frame());
                assertNull(at + p.what() + ": a packet to an inactive SID left the appliance", ports.get(p.port()).poll(200));
            }
            long expectedAbsent = absent + c.probes().size();
            waitFor(at + "behavior-absent drops counted", 5_000, () -> absent(counters) == expectedAbsent);
            everyoneForwards(keyword);

            b = context.installBundle(location);
            b.start();
            assertEquals(at + "reinstalled under another name", c.artifact(), b.getSymbolicName());
            for (String s : c.sids()) {
                waitFor(at + "SID " + s + " active again", 10_000, () -> sid(sr, s).active());
            }
            for (Probe p : c.probes()) {
                assertForwarded(at, p);
            }
            assertTrue(at + "SID counters restarted", sid(sr, c.sids().get(0)).packets() > packets);
            everyoneForwards(null);
        }

        underTraffic(c, sr, counters);
        updateLosesNothing(c, counters);

        waitFor("every buffer released", 5_000, () -> counters.buffersHeld() == 0);
        // the leak detector reports what was collected on the next allocations
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            assertForwarded(keyword + ": ", toEnd);
        }
        assertEquals("Netty reported leaks", List.of(), leaks.reports());
    }

    /**
     * A stream of frames to the first probe's SID while the bundle is uninstalled and installed
     * again: every frame either leaves exactly as expected or is counted behavior-absent.
     */
    private void underTraffic(Case c, SrService sr, Counters counters) throws Exception {
        Probe p = c.probes().get(0);
        MemoryPort out = ports.get(p.port());
        Bundle b = bundleNamed(context, c.artifact());
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
            in.inject(p.frame());
            sent++;
            Thread.sleep(1);
        }
        swapper.join();
        for (String s : c.sids()) {
            waitFor(c.keyword() + " active after the swap under traffic", 10_000, () -> sid(sr, s).active());
        }
        for (int i = 0; i < 10; i++) { // the stream goes on once the SID is back
            in.inject(p.frame());
            sent++;
        }
        int forwarded = 0;
        byte[] got;
        while ((got = out.poll(300)) != null) {
            assertEquals(c.keyword() + " under traffic: a forwarded frame", Packets.hex(p.expected()), Packets.hex(got));
            forwarded++;
        }
        int f = forwarded;
        int s = sent;
        waitFor(c.keyword() + " under traffic: " + s + " sent = forwarded " + f + " + behavior-absent "
                + (absent(counters) - absent), 5_000, () -> f + absent(counters) - absent == s);
        assertTrue(c.keyword() + " under traffic: nothing got through", forwarded > 0);
        assertForwarded(c.keyword() + " after the swap under traffic: ", p);
    }

    /** Bundle update while frames flow: the new instance replaces the old, no frame meets an absent behavior. */
    private void updateLosesNothing(Case c, Counters counters) throws Exception {
        Probe p = c.probes().get(0);
        MemoryPort out = ports.get(p.port());
        long absent = absent(counters);
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
            in.inject(p.frame());
            sent++;
            Thread.sleep(1);
        }
        updater.join();
        for (int i = 0; i < sent; i++) {
            byte[] got = out.poll(2_000);
            assertNotNull(c.keyword() + " update: frame " + i + " of " + sent + " was lost", got);
            assertEquals(c.keyword() + " update: frame " + i, Packets.hex(p.expected()), Packets.hex(got));
        }
        assertEquals(c.keyword() + " update: packets met an absent behavior", absent, absent(counters));
    }

    private static long absent(Counters counters) {
        return counters.drops().getOrDefault("behavior-absent", 0L);
    }

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

    /** The frame leaves its port exactly as expected (the router's MAC as source). */
    private static void assertForwarded(String at, Probe p) throws Exception {
        in.inject(p.frame());
        byte[] got = ports.get(p.port()).poll(2_000);
        assertNotNull(at + p.what() + ": nothing left " + p.port(), got);
        assertEquals(at + p.what() + ": frame", Packets.hex(p.expected()), Packets.hex(got));
    }

    private void topology() throws Exception {
        Bundle builder = bundleNamed(context, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        Path home = Path.of(context.getProperty("srv6.home"));
        for (String a : List.of("srv6-behavior-end", "srv6-behavior-end-bm", "srv6-behavior-end-s")) {
            context.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : List.of("End", "End.BM", "End.S")) {
            assertNotNull("no " + k + " behavior registered",
                    service(context, Behavior.class, "(" + Behavior.KEYWORD_PROPERTY + "=" + k + ")", 10_000));
        }
        PortService portService = service(context, PortService.class, null, 10_000);
        AddressService addresses = service(context, AddressService.class, null, 10_000);
        RouteService routes = service(context, RouteService.class, null, 10_000);
        NeighborService neighbors = service(context, NeighborService.class, null, 10_000);
        assertNotNull("the core's services are not registered", neighbors);
        builder.start();

        Map<String, MemoryPort> p = new LinkedHashMap<>();
        for (String name : List.of("hs0", "hs1", "hs2")) {
            p.put(name, portService.addMemory(name));
            portService.setUp(name, true);
        }
        addresses.add("hs0", "2001:db8:0::1/64");
        addresses.add("hs1", "2001:db8:1::1/64");
        addresses.add("hs2", "10.0.1.1/24");
        neighbors.add(PEER6, PEER6_MAC, "hs1");
        neighbors.add(PEER4, PEER4_MAC, "hs2");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER6, "hs1", 254, 1024, null, null, null));
        routes.add(new RouteSpec(6, "2001:db8:100::/64", PEER6, "hs1", TABLE, 1024, null, null, null));
        String inMac = portService.get("hs0").mac();
        String hs1 = portService.get("hs1").mac();
        String hs2 = portService.get("hs2").mac();
        byte[] data = Packets.fill(32, 7);

        Map<String, Case> c = new LinkedHashMap<>();
        // End.BM: SL 1 → 0, DA = NEXT, hop limit 63; labels 100/200 (TTL 63, S on 200) or 300
        c.put("End.BM", new Case("End.BM", "srv6-behavior-end-bm", List.of(BM6_SID, BM4_SID), List.of(
                new Probe("End.BM nh6", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, BM6_SID).srh(1, BM6_SID, NEXT).udp(1, 2, data).bytes()), "hs1",
                        Packets.ethernet(PEER6_MAC, hs1, MPLS, Packets.cat(Packets.unhex("0006403f000c813f"),
                                Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, BM6_SID, NEXT).udp(1, 2, data).bytes()))),
                new Probe("End.BM nh4", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, BM4_SID).srh(1, BM4_SID, NEXT).udp(1, 2, data).bytes()), "hs2",
                        Packets.ethernet(PEER4_MAC, hs2, MPLS, Packets.cat(Packets.unhex("0012c13f"),
                                Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, BM4_SID, NEXT).udp(1, 2, data).bytes()))))));
        // End.S table 100: the object routed there → forwarded untouched but for the hop limit; else End
        c.put("End.S", new Case("End.S", "srv6-behavior-end-s", List.of(S_SID), List.of(
                new Probe("End.S match", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, S_SID).srh(1, S_SID, OBJECT_IN_TABLE).udp(1, 2, data).bytes()), "hs1",
                        Packets.ethernet(PEER6_MAC, hs1, Packets.ETH_IPV6,
                                Packets.ipv6(HOST, S_SID).hopLimit(63).srh(1, S_SID, OBJECT_IN_TABLE).udp(1, 2, data).bytes())),
                new Probe("End.S no match", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, S_SID).srh(2, S_SID, NEXT, OBJECT_ELSEWHERE).udp(1, 2, data).bytes()), "hs1",
                        Packets.ethernet(PEER6_MAC, hs1, Packets.ETH_IPV6,
                                Packets.ipv6(HOST, NEXT).hopLimit(63).srh(1, S_SID, NEXT, OBJECT_ELSEWHERE).udp(1, 2, data).bytes())))));

        routes.add(new RouteSpec(6, END_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End", List.of()));
        routes.add(new RouteSpec(6, BM6_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End.BM",
                List.of("mpls", "100/200", "nh6", PEER6)));
        routes.add(new RouteSpec(6, BM4_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End.BM",
                List.of("mpls", "300", "nh4", PEER4)));
        routes.add(new RouteSpec(6, S_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End.S",
                List.of("table", Integer.toString(TABLE))));
        ports = p;
        in = p.get("hs0");
        toEnd = new Probe("End", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, END_SID).srh(1, END_SID, NEXT).udp(1, 2, data).bytes()), "hs1",
                Packets.ethernet(PEER6_MAC, hs1, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, END_SID, NEXT).udp(1, 2, data).bytes()));
        cases = c;
    }
}
