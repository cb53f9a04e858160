package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.itests.osgi.SidHotSwap.Case;
import org.srv6.appliance.itests.osgi.SidHotSwap.Probe;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for the binding-SID behaviors while traffic flows through memory ports: uninstalling the
 * bundle of End.B6, End.B6.Encaps or End.B6.Encaps.Red makes its SID inactive and its packets
 * counted as behavior-absent while the End SID and the other binding SIDs keep forwarding;
 * reinstalling it from the same location brings the SID back with its counters. A few cycles per
 * behavior, without holding or leaking a buffer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BindingSidHotSwapIT extends OsgiTestSupport {
    private static final int CYCLES = 3;
    private static final String TUNSRC = "fc00:9::b6";
    private static final String HOST = "2001:db8::2";
    private static final String HOST_MAC = "02:00:00:00:00:02";
    private static final String END_SID = "fc00:1::1";
    private static final String NEXT = "fc00:2::1";
    private static final String PEER6 = "2001:db8:1::2";
    private static final String PEER6_MAC = "02:00:00:00:01:02";

    /** The topology is made once per container; every test swaps one behavior's bundle. */
    private static Map<String, Case> cases;
    private static Map<String, MemoryPort> ports;
    private static Probe toEnd;
    private static MemoryPort in;

    @Inject
    BundleContext context;

    private final LeakWatch leaks = new LeakWatch();

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("binding-sid-hotswap"), "srv6-core"), packetBuilder()};
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
    public void endB6() throws Exception {
        swap("End.B6");
    }

    @Test
    public void endB6Encaps() throws Exception {
        swap("End.B6.Encaps");
    }

    @Test
    public void endB6EncapsRed() throws Exception {
        swap("End.B6.Encaps.Red");
    }

    private void swap(String keyword) throws Exception {
        new SidHotSwap(context, cases, toEnd, in, ports, leaks, CYCLES, BindingSidHotSwapIT::assertForwarded).swap(keyword);
    }

    /**
     * The frame leaves its port as expected; the source MAC and the (outer) hop limit are the
     * router's (checked apart: the hop limit one less).
     */
    private static void assertForwarded(String at, Probe p) throws Exception {
        in.inject(p.frame());
        byte[] got = ports.get(p.port()).poll(2_000);
        assertNotNull(at + p.what() + ": nothing left " + p.port(), got);
        byte[] e = p.expected();
        assertEquals(at + p.what() + ": length", e.length, got.length);
        byte[] g = got.clone();
        byte[] x = e.clone();
        System.arraycopy(x, 6, g, 6, 6);
        assertEquals(at + p.what() + ": hop limit", (x[21] & 0xff) - 1, g[21] & 0xff);
        g[21] = x[21];
        assertEquals(at + p.what() + ": frame", Packets.hex(x), Packets.hex(g));
    }

    private void topology() throws Exception {
        Bundle builder = bundleNamed(context, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        Path home = Path.of(context.getProperty("srv6.home"));
        List<String> artifacts = List.of("srv6-behavior-end", "srv6-behavior-end-b6", "srv6-behavior-end-b6-encaps",
                "srv6-behavior-end-b6-encaps-red");
        for (String a : artifacts) {
            context.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : List.of("End", "End.B6", "End.B6.Encaps", "End.B6.Encaps.Red")) {
            assertNotNull("no " + k + " behavior registered",
                    service(context, Behavior.class, "(" + Behavior.KEYWORD_PROPERTY + "=" + k + ")", 10_000));
        }
        PortService portService = service(context, PortService.class, null, 10_000);
        AddressService addresses = service(context, AddressService.class, null, 10_000);
        RouteService routes = service(context, RouteService.class, null, 10_000);
        NeighborService neighbors = service(context, NeighborService.class, null, 10_000);
        SrService sr = service(context, SrService.class, null, 10_000);
        assertNotNull("the core's services are not registered", neighbors);
        builder.start();

        Map<String, MemoryPort> p = new LinkedHashMap<>();
        for (String name : List.of("hs0", "hs1")) {
            p.put(name, portService.addMemory(name));
            portService.setUp(name, true);
        }
        addresses.add("hs0", "2001:db8:0::1/64");
        addresses.add("hs1", "2001:db8:1::1/64");
        neighbors.add(PEER6, PEER6_MAC, "hs1");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER6, "hs1", 254, 1024, null, null, null));
        sr.setTunnelSource(TUNSRC);
        String inMac = portService.get("hs0").mac();

        Map<String, Case> c = new LinkedHashMap<>();
        add(c, "End.B6", "srv6-behavior-end-b6", "fc00:1::20", List.of("srh", "segs", "fc00:2::b1,fc00:2::b2"),
                sid -> List.of(binding("End.B6.Insert", inMac, sid, advanced -> Packets.ipv6(HOST, "fc00:2::b1",
                        Packets.PROTO_ROUTING, 64, 0, Packets.srh(Packets.PROTO_ROUTING, 2, 0, 0,
                                List.of(NEXT, "fc00:2::b2", "fc00:2::b1"), new byte[0], srhAndPayload(sid, 0))))));
        add(c, "End.B6.Encaps", "srv6-behavior-end-b6-encaps", "fc00:1::21", List.of("srh", "segs", "fc00:2::c1,fc00:2::c2"),
                sid -> List.of(binding("encapsulated", inMac, sid, advanced -> Packets.ipv6(TUNSRC, "fc00:2::c1",
                        Packets.PROTO_ROUTING, 64, 0, Packets.srh(Packets.PROTO_IPV6, 1, 0, 0,
                                List.of("fc00:2::c2", "fc00:2::c1"), new byte[0], advanced)))));
        add(c, "End.B6.Encaps.Red", "srv6-behavior-end-b6-encaps-red", "fc00:1::22",
                List.of("srh", "segs", "fc00:2::d1,fc00:2::d2"),
                sid -> List.of(binding("encapsulated, reduced SRH", inMac, sid, advanced -> Packets.ipv6(TUNSRC,
                        "fc00:2::d1", Packets.PROTO_ROUTING, 64, 0, Packets.srh(Packets.PROTO_IPV6, 1, 0, 0,
                                List.of("fc00:2::d2"), new byte[0], advanced)))));

        routes.add(new RouteSpec(6, END_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End", List.of()));
        for (Case k : c.values()) {
            routes.add(new RouteSpec(6, k.sid() + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, k.keyword(), k.params()));
        }
        ports = p;
        in = p.get("hs0");
        toEnd = routed("End", inMac, END_SID, List.of(NEXT, END_SID), 1);
        cases = c;
    }

    private static void add(Map<String, Case> c, String keyword, String artifact, String sid, List<String> params,
            Function<String, List<Probe>> probes) {
        c.put(keyword, new Case(keyword, artifact, sid, params, probes.apply(sid)));
    }

    /** The SRH [NEXT, sid] at {@code sl} and 8 bytes of payload (no next header). */
    private static byte[] srhAndPayload(String sid, int sl) {
        return Packets.srh(Packets.PROTO_NONE, sl, 0, 0, List.of(NEXT, sid), new byte[0], Packets.fill(8, 5));
    }

    /**
     * Host → {@code sid} with SRH [NEXT, sid] at SL 1: {@code out} makes what leaves hs1 (hop limit
     * 64, one more than on the wire) from the packet after the End step (SL 0, DA NEXT).
     */
    private static Probe binding(String what, String inMac, String sid, Function<byte[], byte[]> out) {
        byte[] sent = Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, sid, Packets.PROTO_ROUTING, 64, 0, srhAndPayload(sid, 1)));
        byte[] advanced = Packets.ipv6(HOST, NEXT, Packets.PROTO_ROUTING, 64, 0, srhAndPayload(sid, 0));
        return new Probe(what + " (" + sid + ")", sent, "hs1",
                Packets.ethernet(PEER6_MAC, inMac, Packets.ETH_IPV6, out.apply(advanced)));
    }

    /** Host → {@code sid} with an SRH (header order) at SL {@code sl}: DA becomes the next segment, out of hs1. */
    private static Probe routed(String what, String inMac, String sid, List<String> segments, int sl) {
        byte[] srh = Packets.cat(Packets.srh(sl).segments(segments.toArray(String[]::new)).bytes(Packets.PROTO_NONE),
                Packets.fill(8, 5));
        byte[] sent = Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6, Packets.ipv6(HOST, sid, Packets.PROTO_ROUTING, 64, 0, srh));
        byte[] expected = sent.clone();
        System.arraycopy(Packets.mac(PEER6_MAC), 0, expected, 0, 6);
        String next = segments.get(sl - 1);
        System.arraycopy(Packets.ip6(next), 0, expected, 38, 16);
        expected[57] = (byte) (sl - 1);
        return new Probe(what + " (" + sid + ")", sent, "hs1", expected);
    }
}
