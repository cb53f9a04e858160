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
 * SPEC §5 for the SR proxies while traffic flows through memory ports: uninstalling the bundle of
 * End.AS or End.AD makes its SID inactive (its packets counted as behavior-absent, its service
 * port no longer claimed) while the other proxy keeps forwarding both ways; reinstalling it
 * brings the SID back with its counters. End.AD starts over with nothing learnt: what its service
 * sends back is dropped (proxy-not-learnt) until a packet to the SID was learnt, then flows.
 *
 * <p>ps0: the SR network in (HOST); ps1: towards the next segment NEXT (via PEER); pv: End.AS's
 * service (SVC_AS), pw: End.AD's service (SVC_AD), each port its SID's IFACE-OUT and IFACE-IN.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyHotSwapIT extends OsgiTestSupport {
    private static final int CYCLES = 3;
    private static final String TUNSRC = "fc00:9::a5";
    private static final String HOST = "2001:db8::2";
    private static final String HOST_MAC = "02:00:00:00:00:02";
    private static final String NEXT = "fc00:2::1";
    private static final String PEER = "2001:db8:1::2";
    private static final String PEER_MAC = "02:00:00:00:01:02";
    private static final String SVC_AS = "2001:db8:5::2";
    private static final String SVC_AD = "2001:db8:6::2";
    private static final String SVC_MAC = "02:00:00:00:05:02";
    private static final String AS_SID = "fc00:1::a5";
    private static final String AD_SID = "fc00:1::ad";
    private static final byte[] NO_TLV = new byte[0];

    /** A proxy under test: its bundle, its SID, its service port and the frames of both directions. */
    private record Case(String keyword, String artifact, String sid, String port, byte[] toSid, byte[] toService,
            byte[] back, byte[] onward) {
    }

    private static Map<String, Case> cases;
    private static Map<String, MemoryPort> ports;

    @Inject
    BundleContext context;

    private final LeakWatch leaks = new LeakWatch();

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("proxy-hotswap"), "srv6-core"), packetBuilder()};
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
    public void endAs() throws Exception {
        swap("End.AS");
    }

    @Test
    public void endAd() throws Exception {
        swap("End.AD");
    }

    private void swap(String keyword) throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        Case c = cases.get(keyword);
        SrService sr = service(context, SrService.class, null, 10_000);
        Counters counters = service(context, Counters.class, null, 10_000);
        assertNotNull("the core's services are not registered", counters);
        waitFor(keyword + " SID active", 10_000, () -> sid(sr, c.sid()).active());
        everyoneForwards(null);

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String at = keyword + ", cycle " + cycle + ": ";
            long packets = sid(sr, c.sid()).packets();
            Bundle b = bundleNamed(context, c.artifact());
            assertNotNull(at + "no bundle " + c.artifact(), b);
            String location = b.getLocation();

            b.uninstall();
            waitFor(at + "SID inactive", 10_000, () -> !sid(sr, c.sid()).active());
            long absent = counters.drops().getOrDefault("behavior-absent", 0L);
            ports.get("ps0").inject(c.toSid());
            assertNull(at + "a packet to an inactive SID reached the service", ports.get(c.port()).poll(200));
            waitFor(at + "behavior-absent counted", 5_000,
                    () -> counters.drops().getOrDefault("behavior-absent", 0L) == absent + 1);
            ports.get(c.port()).inject(c.back());
            assertNull(at + "the unclaimed service port put a packet into the policy", ports.get("ps1").poll(200));
            drain(c.port());
            everyoneForwards(keyword);

            b = context.installBundle(location);
            b.start();
            assertEquals(at + "reinstalled under another name", c.artifact(), b.getSymbolicName());
            waitFor(at + "SID active again", 10_000, () -> sid(sr, c.sid()).active());
            if (keyword.equals("End.AD")) {
                long notLearnt = counters.drops().getOrDefault("proxy-not-learnt", 0L);
                ports.get(c.port()).inject(c.back());
                assertNull(at + "End.AD sent back before it learnt anything", ports.get("ps1").poll(200));
                waitFor(at + "proxy-not-learnt counted", 5_000,
                        () -> counters.drops().getOrDefault("proxy-not-learnt", 0L) == notLearnt + 1);
            }
            forwards(at, c);
            assertTrue(at + "SID counters kept", sid(sr, c.sid()).packets() >= packets + 2);
            everyoneForwards(null);
        }

        waitFor("every buffer released", 5_000, () -> counters.buffersHeld() == 0);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            forwards(keyword + ": ", c);
        }
        assertEquals("Netty reported leaks", List.of(), leaks.reports());
    }

    private static void everyoneForwards(String absent) throws Exception {
        for (Case c : cases.values()) {
            if (!c.keyword().equals(absent)) {
                forwards(absent == null ? "" : "while " + absent + " is absent: ", c);
            }
        }
    }

    /** To the SID and to the service; back from the service and on towards NEXT. */
    private static void forwards(String at, Case c) throws Exception {
        ports.get("ps0").inject(c.toSid());
        assertFrame(at + c.keyword() + " to its service", c.toService(), ports.get(c.port()).poll(2_000));
        ports.get(c.port()).inject(c.back());
        assertFrame(at + c.keyword() + " back into the policy", c.onward(), ports.get("ps1").poll(2_000));
    }

    /** Equal frames but for the source MAC (the port's). */
    private static void assertFrame(String what, byte[] expected, byte[] got) {
        assertNotNull(what + ": nothing sent", got);
        assertEquals(what + ": length", expected.length, got.length);
        byte[] g = got.clone();
        System.arraycopy(expected, 6, g, 6, 6);
        assertEquals(what, Packets.hex(expected), Packets.hex(g));
    }

    private static void drain(String port) throws InterruptedException {
        while (ports.get(port).poll(50) != null) {
            // ICMP errors or neighbor traffic of the unclaimed port
        }
    }

    private static byte[] inner(int hl) {
        return Packets.ipv6("2001:db8:100::1", "2001:db8:200::1", Packets.PROTO_UDP, hl, 0, 0x3,
                Packets.udp("2001:db8:100::1", "2001:db8:200::1", 5, 6, Packets.fill(16, 7)));
    }

    private void topology() throws Exception {
        Bundle builder = bundleNamed(context, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        Path home = Path.of(context.getProperty("srv6.home"));
        for (String a : List.of("srv6-behavior-end-as", "srv6-behavior-end-ad")) {
            context.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : List.of("End.AS", "End.AD")) {
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
        for (String name : List.of("ps0", "ps1", "pv", "pw")) {
            p.put(name, portService.addMemory(name));
            portService.setUp(name, true);
        }
        addresses.add("ps0", "2001:db8:0::1/64");
        addresses.add("ps1", "2001:db8:1::1/64");
        addresses.add("pv", "2001:db8:5::1/64");
        addresses.add("pw", "2001:db8:6::1/64");
        neighbors.add(PEER, PEER_MAC, "ps1");
        neighbors.add(SVC_AS, SVC_MAC, "pv");
        neighbors.add(SVC_AD, SVC_MAC, "pw");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER, "ps1", 254, 1024, null, null, null));
        String in = portService.get("ps0").mac();
        String ps1 = portService.get("ps1").mac();

        Map<String, Case> c = new LinkedHashMap<>();
        for (String[] k : new String[][] {{"End.AS", "srv6-behavior-end-as", AS_SID, "pv", SVC_AS},
                {"End.AD", "srv6-behavior-end-ad", AD_SID, "pw", SVC_AD}}) {
            String sid = k[2];
            String port = portService.get(k[3]).mac();
            List<String> params = k[0].equals("End.AS")
                    ? List.of("nh6", k[4], "oif", k[3], "iif", k[3], "src", TUNSRC, "segs", NEXT)
                    : List.of("nh6", k[4], "oif", k[3], "iif", k[3]);
            routes.add(new RouteSpec(6, sid + "/128", null, "ps0", 254, 1024, RouteSpec.SEG6LOCAL, k[0], params));
            byte[] toSid = Packets.ethernet(in, HOST_MAC, Packets.ETH_IPV6, Packets.ipv6(HOST, sid, 43, 64, 0, 0,
                    Packets.srh(41, 1, 0, 0, List.of(NEXT, sid), NO_TLV, inner(64))));
            byte[] toService = Packets.ethernet(SVC_MAC, port, Packets.ETH_IPV6, inner(63));
            byte[] back = Packets.ethernet(port, SVC_MAC, Packets.ETH_IPV6, inner(63));
            // End.AS: IPv6(src) + SRH(segs), SL 0 towards NEXT; End.AD: the learnt header after the End step
            byte[] outer = k[0].equals("End.AS")
                    ? Packets.ipv6(TUNSRC, NEXT, 43, 62, 0, 0x3, Packets.srh(41, 0, 0, 0, List.of(NEXT), NO_TLV, inner(63)))
                    : Packets.ipv6(HOST, NEXT, 43, 62, 0, 0x3,
                            Packets.srh(41, 0, 0, 0, List.of(NEXT, sid), NO_TLV, inner(63)));
            c.put(k[0], new Case(k[0], k[1], sid, k[3], toSid, toService, back,
                    Packets.ethernet(PEER_MAC, ps1, Packets.ETH_IPV6, outer)));
        }
        ports = p;
        cases = c;
    }
}
