package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
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
import org.srv6.appliance.itests.osgi.SidHotSwap.Case;
import org.srv6.appliance.itests.osgi.SidHotSwap.Probe;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for the table and decapsulation behaviors while traffic flows through memory ports:
 * uninstalling the bundle of End.T, End.DT6, End.DT4, End.DT46, End.DX6, End.DX4 or End.DX2 makes
 * its SID inactive and its packets counted as behavior-absent while the End SID and the other
 * behaviors' SIDs keep forwarding; reinstalling it from the same location brings the SID back with
 * its counters. A few cycles per behavior, without holding or leaking a buffer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DecapHotSwapIT extends OsgiTestSupport {
    private static final int CYCLES = 3;
    private static final int TABLE = 100;
    private static final String HOST = "2001:db8::2";
    private static final String HOST_MAC = "02:00:00:00:00:02";
    private static final String END_SID = "fc00:1::1";
    private static final String NEXT = "fc00:2::1";
    /** Routed in table 100 only: End.T's next segment. */
    private static final String NEXT_IN_TABLE = "fc00:3::1";
    private static final String PEER6 = "2001:db8:1::2";
    private static final String PEER6_MAC = "02:00:00:00:01:02";
    private static final String PEER4 = "10.0.1.2";
    private static final String PEER4_MAC = "02:00:00:00:02:02";

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
        return new Option[] {runtime(home("decap-hotswap"), "srv6-core"), packetBuilder()};
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
    public void endT() throws Exception {
        swap("End.T");
    }

    @Test
    public void endDT6() throws Exception {
        swap("End.DT6");
    }

    @Test
    public void endDT4() throws Exception {
        swap("End.DT4");
    }

    @Test
    public void endDT46() throws Exception {
        swap("End.DT46");
    }

    @Test
    public void endDX6() throws Exception {
        swap("End.DX6");
    }

    @Test
    public void endDX4() throws Exception {
        swap("End.DX4");
    }

    @Test
    public void endDX2() throws Exception {
        swap("End.DX2");
    }

    private void swap(String keyword) throws Exception {
        new SidHotSwap(context, cases, toEnd, in, ports, leaks, CYCLES, DecapHotSwapIT::assertForwarded).swap(keyword);
    }

    /**
     * The frame leaves its port as expected; the source MAC, the hop limit or TTL and the IPv4
     * header checksum are the router's (checked apart: the hop limit or TTL one less).
     */
    private static void assertForwarded(String at, Probe p) throws Exception {
        in.inject(p.frame());
        byte[] got = ports.get(p.port()).poll(2_000);
        assertNotNull(at + p.what() + ": nothing left " + p.port(), got);
        byte[] e = p.expected();
        if (p.port().equals("hs3")) {
            assertArrayEquals(at + p.what() + ": the inner frame as is", e, got);
            return;
        }
        assertEquals(at + p.what() + ": length", e.length, got.length);
        byte[] g = got.clone();
        byte[] x = e.clone();
        System.arraycopy(x, 6, g, 6, 6);
        if (Packets.ethertype(x) == Packets.ETH_IPV6) {
            assertEquals(at + p.what() + ": hop limit", (x[21] & 0xff) - 1, g[21] & 0xff);
            g[21] = x[21];
        } else {
            assertEquals(at + p.what() + ": TTL", (x[22] & 0xff) - 1, g[22] & 0xff);
            g[22] = x[22];
            g[24] = x[24];
            g[25] = x[25];
        }
        assertEquals(at + p.what() + ": frame", Packets.hex(x), Packets.hex(g));
    }

    private void topology() throws Exception {
        Bundle builder = bundleNamed(context, PACKET_BUILDER);
        assertNotNull("the packet builder bundle is not installed", builder);
        Path home = Path.of(context.getProperty("srv6.home"));
        List<String> artifacts = List.of("srv6-behavior-end", "srv6-behavior-end-t",
                "srv6-behavior-end-dt6", "srv6-behavior-end-dt4", "srv6-behavior-end-dt46", "srv6-behavior-end-dx6",
                "srv6-behavior-end-dx4", "srv6-behavior-end-dx2");
        for (String a : artifacts) {
            context.installBundle(location(home, coordinate(a))).start();
        }
        for (String k : List.of("End", "End.T", "End.DT6", "End.DT4", "End.DT46", "End.DX6", "End.DX4", "End.DX2")) {
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
        for (String name : List.of("hs0", "hs1", "hs2", "hs3")) {
            p.put(name, portService.addMemory(name));
            portService.setUp(name, true);
        }
        addresses.add("hs0", "2001:db8:0::1/64");
        addresses.add("hs1", "2001:db8:1::1/64");
        addresses.add("hs2", "10.0.1.1/24");
        neighbors.add(PEER6, PEER6_MAC, "hs1");
        neighbors.add(PEER4, PEER4_MAC, "hs2");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER6, "hs1", 254, 1024, null, null, null));
        routes.add(new RouteSpec(6, "fc00:3::/48", PEER6, "hs1", TABLE, 1024, null, null, null));
        routes.add(new RouteSpec(6, "2001:db8:100::/64", PEER6, "hs1", TABLE, 1024, null, null, null));
        routes.add(new RouteSpec(4, "10.100.0.0/16", PEER4, "hs2", TABLE, 0, null, null, null));
        String inMac = portService.get("hs0").mac();

        String table = Integer.toString(TABLE);
        byte[] v6 = Packets.ipv6(HOST, "2001:db8:100::5").hopLimit(64).udp(1000, 2000, Packets.fill(32, 1)).bytes();
        byte[] v4 = Packets.ipv4("10.9.0.2", "10.100.0.5").ttl(64).udp(1000, 2000, Packets.fill(32, 2)).bytes();
        byte[] v6Far = Packets.ipv6(HOST, "2001:db8:200::5").hopLimit(64).udp(1000, 2000, Packets.fill(32, 3)).bytes();
        byte[] v4Far = Packets.ipv4("10.9.0.2", "10.200.0.5").ttl(64).udp(1000, 2000, Packets.fill(32, 4)).bytes();
        byte[] l2 = Packets.ethernet("02:00:00:00:03:02", "02:00:00:00:03:01", Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:03:01", "10.3.0.1", "00:00:00:00:00:00", "10.3.0.2"));

        Map<String, Case> c = new LinkedHashMap<>();
        add(c, "End.T", "srv6-behavior-end-t", "fc00:1::10", List.of("table", table), sid -> List.of(
                routed("next segment in table " + TABLE, inMac, sid, List.of(NEXT_IN_TABLE, sid), 1)));
        add(c, "End.DT6", "srv6-behavior-end-dt6", "fc00:1::11", List.of("table", table), sid -> List.of(
                decap("IPv6 inner", inMac, sid, Packets.PROTO_IPV6, v6, "hs1", PEER6_MAC, Packets.ETH_IPV6)));
        add(c, "End.DT4", "srv6-behavior-end-dt4", "fc00:1::12", List.of("table", table), sid -> List.of(
                decap("IPv4 inner", inMac, sid, Packets.PROTO_IPV4, v4, "hs2", PEER4_MAC, Packets.ETH_IPV4)));
        add(c, "End.DT46", "srv6-behavior-end-dt46", "fc00:1::13", List.of("table", table), sid -> List.of(
                decap("IPv6 inner", inMac, sid, Packets.PROTO_IPV6, v6, "hs1", PEER6_MAC, Packets.ETH_IPV6),
                decap("IPv4 inner", inMac, sid, Packets.PROTO_IPV4, v4, "hs2", PEER4_MAC, Packets.ETH_IPV4)));
        add(c, "End.DX6", "srv6-behavior-end-dx6", "fc00:1::14", List.of("nh6", PEER6), sid -> List.of(
                decap("IPv6 inner", inMac, sid, Packets.PROTO_IPV6, v6Far, "hs1", PEER6_MAC, Packets.ETH_IPV6)));
        add(c, "End.DX4", "srv6-behavior-end-dx4", "fc00:1::15", List.of("nh4", PEER4), sid -> List.of(
                decap("IPv4 inner", inMac, sid, Packets.PROTO_IPV4, v4Far, "hs2", PEER4_MAC, Packets.ETH_IPV4)));
        add(c, "End.DX2", "srv6-behavior-end-dx2", "fc00:1::16", List.of("oif", "hs3"), sid -> List.of(
                new Probe("Ethernet inner", outer(inMac, sid, 143, l2), "hs3", l2)));

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

    /** Host → {@code sid} with an SRH [sid] SL 0 and {@code inner}: decapsulated, out of {@code port} to {@code mac}. */
    private static Probe decap(String what, String inMac, String sid, int proto, byte[] inner, String port, String mac,
            int etherType) {
        return new Probe(what, outer(inMac, sid, proto, inner), port, Packets.ethernet(mac, inMac, etherType, inner));
    }

    private static byte[] outer(String inMac, String sid, int proto, byte[] inner) {
        byte[] srh = Packets.cat(Packets.srh(0).segments(sid).bytes(proto), inner);
        return Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, sid, Packets.PROTO_ROUTING, 64, 0, srh));
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
