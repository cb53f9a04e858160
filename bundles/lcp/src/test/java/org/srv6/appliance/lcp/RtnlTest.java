package org.srv6.appliance.lcp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteSpec;

/**
 * The parser and the mapping on bytes the kernel sent (captured in a namespace with veth p1/p1b:
 * dumps of links, addresses, nexthops and IPv6 routes, and multicast messages), see the *.hex
 * resources; and on truncated and random bytes, which must never throw.
 */
public class RtnlTest {

    static byte[] hex(String resource) throws IOException {
        try (InputStream in = RtnlTest.class.getResourceAsStream("/" + resource)) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    /** Records what the appliance would be told. */
    static class Fake implements Mirror.Target {
        final Set<String> ports;
        final Map<String, RouteSpec> routes = new TreeMap<>();
        final List<String> addrs = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        Fake(String... ports) {
            this.ports = new java.util.HashSet<>(Set.of(ports));
        }

        @Override
        public PortMap ports() {
            return new PortMap(ports::contains);
        }

        @Override
        public void addAddress(String port, String cidr) {
            addrs.add(port + " " + cidr);
            calls.add("addr add " + cidr + " dev " + port);
        }

        @Override
        public void deleteAddress(String port, String cidr) {
            addrs.remove(port + " " + cidr);
            calls.add("addr del " + cidr + " dev " + port);
        }

        @Override
        public void replaceRoute(RouteSpec spec) throws Exception {
            if (spec.keyword() != null && spec.keyword().equals("End.BPF")) {
                throw new Exception("unknown behavior End.BPF; installed: End");
            }
            routes.put(spec.prefix() + " " + spec.table(), spec);
            calls.add("route replace " + spec.prefix());
        }

        @Override
        public void deleteRoute(RouteSpec spec) {
            routes.remove(spec.prefix() + " " + spec.table());
            calls.add("route del " + spec.prefix());
        }

        /** "PORT ADDRESS" → "MAC proto PROTO" of the static neighbors the appliance was given. */
        final Map<String, String> neighs = new TreeMap<>();
        /** "PORT ADDRESS" of neighbors typed in the appliance's shell: refused, never deleted. */
        final Set<String> typedNeighs = new java.util.HashSet<>();

        @Override
        public void addNeighbor(String address, String mac, String port, String proto) throws Exception {
            if (typedNeighs.contains(port + " " + address)) {
                throw new Exception("neighbor typed in the shell; " + address + " on " + port + " stays as typed");
            }
            neighs.put(port + " " + address, mac + " proto " + proto);
            calls.add("neigh add " + address + " lladdr " + mac + " dev " + port + " proto " + proto);
        }

        @Override
        public void deleteNeighbor(String address, String port, String proto) throws Exception {
            if (neighs.remove(port + " " + address) == null) {
                throw new Exception("neighbor not added by " + proto + "; " + address + " on " + port + " stays");
            }
            calls.add("neigh del " + address + " dev " + port + " proto " + proto);
        }

        /** The routes as the appliance's running configuration would write them, with their proto. */
        List<String> lines() {
            List<String> out = new ArrayList<>();
            for (RouteSpec s : routes.values()) {
                out.add(RouteGrammar.print(s) + " proto " + s.proto());
            }
            return out;
        }
    }

    private static Mirror dumped(Fake fake, LcpCounters c, List<String> log) throws IOException {
        Mirror m = new Mirror(fake, c, log::add);
        m.beginDump();
        for (String d : new String[] {"dump-link.hex", "dump-addr.hex", "dump-nh.hex", "dump-route6.hex"}) {
            byte[] b = hex(d);
            Rtnl.parse(b, b.length, msg -> {
                if (!(msg instanceof Rtnl.Done)) {
                    m.handle(msg);
                }
            });
        }
        m.endDump();
        return m;
    }

    @Test
    public void linkDumpNamesTheInterfaces() throws IOException {
        Map<Integer, String> names = new HashMap<>();
        int done = 0;
        for (Rtnl.Msg m : Rtnl.parse(hex("dump-link.hex"))) {
            if (m instanceof Rtnl.Link l) {
                names.put(l.index(), l.name());
            } else if (m instanceof Rtnl.Done) {
                done++;
            }
        }
        assertEquals(Map.of(1, "lo", 2, "p1b", 3, "p1"), names);
        assertEquals(1, done);
    }

    @Test
    public void nexthopObjectIsReadWithItsGatewayAndDevice() throws IOException {
        List<Rtnl.Msg> msgs = Rtnl.parse(hex("dump-nh.hex"));
        Rtnl.Nexthop nh = (Rtnl.Nexthop) msgs.get(0);
        assertEquals(12, nh.id());
        assertEquals(6, nh.family());
        assertEquals(3, nh.oif());
        assertEquals("fc00:1::2", RouteText.addr(nh.gateway()));
        assertNull(nh.group());
        assertTrue(msgs.get(1) instanceof Rtnl.Done);
    }

    @Test
    public void routeDumpBecomesTheApplianceRoutesOfTheMirroredPort() throws IOException {
        Fake fake = new Fake("p1");
        LcpCounters c = new LcpCounters();
        List<String> log = new ArrayList<>();
        dumped(fake, c, log);
        assertEquals(List.of(
                "fc00:100::1/128 encap seg6local action End dev p1 metric 1024 proto boot",
                "fc00:100::2/128 encap seg6local action End.X nh6 fc00:1::2 dev p1 metric 1024 proto boot",
                "fc00:100::3/128 encap seg6local action End.DT6 table 254 dev p1 metric 1024 proto boot",
                "fc00:100::4/128 encap seg6local action End.B6.Encaps srh segs fc00:200::1,fc00:200::2 dev p1 metric 1024 proto boot",
                "fc00:6::/64 table 100 metric 1024 nexthop via fc00:1::2 dev p1 weight 1 nexthop via fc00:1::3 dev p1"
                        + " weight 1 proto boot",
                "fc00:7::/64 encap seg6 mode encap segs fc00:100::1,fc00:100::2 dev p1 metric 1024 proto boot",
                "fc00:8::/64 via fc00:1::2 dev p1 metric 1024 proto ospf",
                "fc00:9::/64 via fc00:1::2 dev p1 metric 1024 proto static"), fake.lines());
        // fe80:: addresses are the appliance's own; p1b mirrors no port
        assertEquals(List.of("p1 fc00:1::1/64"), fake.addrs);
        assertEquals("an ECMP route is taken whole: nothing simplified", Map.of(), c.notes());
        assertEquals(Map.of(), c.refused());
        assertEquals(0, c.malformed.sum());
        assertTrue(c.ignored.sum() >= 3); // fc00:1::/64 and the two fe80::/64 are the kernel's connected routes
    }

    @Test
    public void routesOfAnInterfaceThatMirrorsNoPortAreRefusedAndCounted() throws IOException {
        Fake fake = new Fake("q1");
        LcpCounters c = new LcpCounters();
        List<String> log = new ArrayList<>();
        dumped(fake, c, log);
        assertEquals(Map.of(), fake.routes);
        assertEquals(List.of(), fake.addrs);
        assertEquals(Long.valueOf(8), c.refused().get("dev not a mirrored port"));
        assertTrue(log.toString(), log.contains("lcp: refused (1x): dev not a mirrored port"));
    }

    @Test
    public void deleteEventRemovesTheLearntRouteAndHmacEncapIsRead() throws IOException {
        Fake fake = new Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = dumped(fake, c, new ArrayList<>());
        List<Rtnl.Msg> del = Rtnl.parse(hex("event-delroute6.hex"));
        assertEquals(1, del.size());
        Rtnl.Route r = (Rtnl.Route) del.get(0);
        assertEquals(false, r.add());
        assertEquals(4, r.protocol());
        m.handle(r);
        assertEquals(null, fake.routes.get("fc00:9::/64 254"));
        assertEquals("route del fc00:9::/64", fake.calls.get(fake.calls.size() - 1));
        for (Rtnl.Msg msg : Rtnl.parse(hex("event-newroute6-hmac.hex"))) {
            m.handle(msg);
        }
        assertEquals("fc00:5::/64 encap seg6 mode encap segs fc00:100::9 hmac 7 dev p1 metric 1024",
                RouteGrammar.print(fake.routes.get("fc00:5::/64 254")));
    }

    @Test
    public void aSecondDumpRemovesWhatTheKernelNoLongerHas() throws IOException {
        Fake fake = new Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = dumped(fake, c, new ArrayList<>());
        // the same dump without the fc00:9::/64 route: take its message out of the dump's bytes
        m.beginDump();
        for (String d : new String[] {"dump-link.hex", "dump-addr.hex", "dump-nh.hex", "dump-route6.hex"}) {
            for (Rtnl.Msg msg : Rtnl.parse(hex(d))) {
                if (msg instanceof Rtnl.Route r && RouteText.prefix(r).equals("fc00:9::/64")) {
                    continue;
                }
                m.handle(msg);
            }
        }
        int before = fake.calls.size();
        m.endDump();
        assertEquals(List.of("route del fc00:9::/64"), fake.calls.subList(before, fake.calls.size()));
        assertEquals(7, m.learntRouteCount());
    }

    @Test
    public void nexthopDeletionRemovesTheRoutesUsingIt() throws IOException {
        Fake fake = new Fake("p1");
        Mirror m = dumped(fake, new LcpCounters(), new ArrayList<>());
        m.handle(new Rtnl.Nexthop(false, 12, 6, null, 0, null, false, null));
        assertNull(fake.routes.get("fc00:8::/64 254"));
    }

    @Test
    public void anUnknownBehaviorIsRefusedWithTheApplianceReason() {
        Fake fake = new Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = new Mirror(fake, c, s -> { });
        m.handle(new Rtnl.Link(true, 3, "p1"));
        Rtnl.Encap bpf = new Rtnl.Encap(Rtnl.LWTUNNEL_ENCAP_SEG6_LOCAL, 0, List.of(), 0, 15, 0, 0, null, null, 0, 0, 0, false);
        m.handle(new Rtnl.Route(true, 6, 128, new byte[16], 254, 3, 1, 0, 1024, 0, List.of(new Rtnl.Hop(null, 3, bpf))));
        Rtnl.Encap bad = new Rtnl.Encap(Rtnl.LWTUNNEL_ENCAP_SEG6_LOCAL, 0, List.of(), 0, 99, 0, 0, null, null, 0, 0, 0, false);
        m.handle(new Rtnl.Route(true, 6, 128, new byte[16], 254, 3, 1, 0, 1024, 0, List.of(new Rtnl.Hop(null, 3, bad))));
        assertEquals(Map.of("appliance: unknown behavior End.BPF", 1L, "unsupported action 99", 1L), c.refused());
    }

    @Test
    public void truncatedAndRandomBytesNeverThrow() throws IOException {
        byte[] all = hex("dump-route6.hex");
        for (int len = 0; len <= all.length; len++) {
            Rtnl.parse(all, len, m -> { });
        }
        Random rnd = new Random(42);
        Mirror m = new Mirror(new Fake("p1"), new LcpCounters(), s -> { });
        for (int i = 0; i < 20000; i++) {
            byte[] b = all.clone();
            for (int k = 0; k < 1 + rnd.nextInt(8); k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            Rtnl.parse(b, b.length, m::handle);
        }
        byte[] junk = new byte[4096];
        for (int i = 0; i < 2000; i++) {
            rnd.nextBytes(junk);
            Rtnl.parse(junk, junk.length, m::handle);
        }
    }

    /** A deleted link takes its addresses and routes (the kernel does not always say so for IPv4). */
    @Test
    public void aDeletedLinkTakesItsAddressesAndRoutes() throws IOException {
        Fake fake = new Fake("p1");
        Mirror m = dumped(fake, new LcpCounters(), new ArrayList<>());
        m.handle(new Rtnl.Link(false, 3, "p1"));
        assertEquals(List.of(), fake.addrs);
        assertEquals(List.of(), fake.lines());
    }

    /**
     * IPv4 (captured the same way): the static and bgp routes of p1 are taken, in their tables;
     * the connected route, the local table's local and broadcast routes are left alone; a route of
     * p1b (no port) is refused.
     */
    @Test
    public void ipv4RoutesAndAddress() throws IOException {
        Fake fake = new Fake("p1");
        LcpCounters c = new LcpCounters();
        Mirror m = new Mirror(fake, c, s -> { });
        m.beginDump();
        for (String d : new String[] {"v4-dump-link.hex", "v4-dump-addr.hex", "v4-dump-route4.hex"}) {
            for (Rtnl.Msg msg : Rtnl.parse(hex(d))) {
                m.handle(msg);
            }
        }
        m.endDump();
        assertEquals(List.of("10.8.0.0/16 via 10.1.0.2 dev p1 table 100 metric 20 proto bgp",
                "10.9.0.0/24 via 10.1.0.2 dev p1 proto static"), fake.lines());
        assertEquals(List.of("p1 10.1.0.1/24"), fake.addrs);
        assertEquals(Map.of("dev not a mirrored port", 1L), c.refused());
        assertEquals(6, c.ignored.sum()); // 10.1.0.0/24 proto kernel, and 5 routes of the local table
    }

    private static final byte[] GW2 = {(byte) 0xfc, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    private static final byte[] GW3 = {(byte) 0xfc, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

    private static Rtnl.Route route6(int nhId, List<Rtnl.Hop> hops) {
        return new Rtnl.Route(true, 6, 64, new byte[] {(byte) 0xfc, 0, 0, (byte) 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                254, 4, Rtnl.RTN_UNICAST, 0, 1024, nhId, hops);
    }

    private static final Map<Integer, String> IFNAMES = Map.of(2, "p1", 3, "p2", 4, "q1");
    private static final PortMap PORTS = new PortMap(Set.of("p1", "p2")::contains);

    @Test
    public void aMultipathRouteBecomesAMultipathRouteWithItsWeights() throws RouteText.Refused {
        List<String> notes = new ArrayList<>();
        String line = RouteText.line(route6(0, List.of(new Rtnl.Hop(GW2, 2, null, 1), new Rtnl.Hop(GW3, 3, null, 3))),
                IFNAMES::get, Map.of(), PORTS, notes);
        assertEquals("fc00:99::/64 table 254 metric 1024 nexthop via fc00:1::2 dev p1 weight 1 nexthop via fc00:2::2"
                + " dev p2 weight 3", line);
        assertEquals(List.of(), notes);
        assertEquals(2, RouteGrammar.parse(line, 6).nexthops().size());
    }

    @Test
    public void aNexthopGroupBecomesAMultipathRouteWithTheMembersWeights() throws RouteText.Refused {
        Map<Integer, Rtnl.Nexthop> nh = Map.of(
                1, new Rtnl.Nexthop(true, 1, 6, GW2, 2, null, false, null),
                2, new Rtnl.Nexthop(true, 2, 6, GW3, 3, null, false, null),
                3, new Rtnl.Nexthop(true, 3, 0, null, 0, new int[] {1, 2}, false, null, new int[] {2, 5}, false),
                4, new Rtnl.Nexthop(true, 4, 0, null, 0, new int[] {1, 2}, false, null, new int[] {1, 1}, true));
        List<String> notes = new ArrayList<>();
        assertEquals("fc00:99::/64 table 254 metric 1024 nexthop via fc00:1::2 dev p1 weight 2 nexthop via fc00:2::2"
                + " dev p2 weight 5", RouteText.line(route6(3, List.of()), IFNAMES::get, nh, PORTS, notes));
        assertEquals(List.of(), notes);
        assertEquals("fc00:99::/64 table 254 metric 1024 nexthop via fc00:1::2 dev p1 weight 1 nexthop via fc00:2::2"
                + " dev p2 weight 1", RouteText.line(route6(4, List.of()), IFNAMES::get, nh, PORTS, notes));
        assertEquals(List.of("ecmp: a resilient nexthop group taken as a hash-threshold one"), notes);
    }

    @Test
    public void aPathOutOfAnInterfaceMirroringNoPortIsLeftOutAndNoted() throws RouteText.Refused {
        List<String> notes = new ArrayList<>();
        assertEquals("fc00:99::/64 via fc00:1::2 dev p1 table 254 metric 1024",
                RouteText.line(route6(0, List.of(new Rtnl.Hop(GW2, 2, null, 1), new Rtnl.Hop(GW3, 4, null, 1))),
                        IFNAMES::get, Map.of(), PORTS, notes));
        assertEquals(List.of("ecmp: paths out of interfaces that mirror no port left out"), notes);
    }

    @Test
    public void nexthopGroupWeightsAndTypeAreRead() {
        // nlmsghdr, nhmsg, NHA_ID 3, NHA_GROUP {1 weight 2, 2 weight 300}, NHA_GROUP_TYPE resilient
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + 8 + 8 + 20 + 8).order(java.nio.ByteOrder.nativeOrder());
        b.putInt(60).putShort((short) Rtnl.RTM_NEWNEXTHOP).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) 10).put((byte) 0).put((byte) 4).put((byte) 0).putInt(0);
        b.putShort((short) 8).putShort((short) 1).putInt(3);
        b.putShort((short) 20).putShort((short) 2);
        b.putInt(1).put((byte) 1).put((byte) 0).putShort((short) 0);
        b.putInt(2).put((byte) (299 & 0xff)).put((byte) (299 >> 8)).putShort((short) 0);
        b.putShort((short) 6).putShort((short) 3).putShort((short) 1).putShort((short) 0);
        List<Rtnl.Msg> msgs = Rtnl.parse(b.array());
        Rtnl.Nexthop nh = (Rtnl.Nexthop) msgs.get(0);
        assertEquals(3, nh.id());
        assertEquals(List.of(1, 2), List.of(nh.group()[0], nh.group()[1]));
        assertEquals(2, nh.weight(0));
        assertEquals(300, nh.weight(1));
        assertTrue(nh.resilient());
    }

    /** An address the operator typed in the appliance is not taken again (nor refused, nor removed with the kernel's). */
    @Test
    public void anAddressTypedInTheApplianceStaysTheOperators() {
        Fake fake = new Fake("p1") {
            @Override
            public boolean hasAddress(String port, String cidr) {
                return port.equals("p1") && cidr.equals("fc00:1::1/64");
            }
        };
        LcpCounters c = new LcpCounters();
        Mirror m = new Mirror(fake, c, s -> { });
        m.handle(new Rtnl.Link(true, 3, "p1"));
        byte[] typed = org.srv6.appliance.api.packet.InetAddrs.parse6("fc00:1::1");
        byte[] other = org.srv6.appliance.api.packet.InetAddrs.parse6("fc00:1::9");
        m.handle(new Rtnl.Addr(true, 6, 3, typed, 64));
        m.handle(new Rtnl.Addr(true, 6, 3, other, 64));
        assertEquals(List.of("addr add fc00:1::9/64 dev p1"), fake.calls);
        assertEquals(0, c.refusedTotal());
        m.handle(new Rtnl.Addr(false, 6, 3, typed, 64));
        assertEquals("the typed address is not deleted with the kernel's", List.of("addr add fc00:1::9/64 dev p1"), fake.calls);
        assertEquals(1, m.learntAddressCount());
    }
}
