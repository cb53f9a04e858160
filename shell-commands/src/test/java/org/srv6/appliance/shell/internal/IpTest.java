package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;

public class IpTest {

    /** Every call on a service, as "Service.method args". */
    private final List<String> calls = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private <T> T recorder(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (m.getName().equals("list") && type == PortService.class) {
                return List.of(new PortInfo(3, "r0", "tap", "aa:bb:cc:dd:ee:01", 1500, true, 1));
            }
            if (m.getName().equals("hmacKeys")) {
                return new java.util.TreeMap<>(java.util.Map.of(7, "sha256", -2, "sha1"));
            }
            if (m.getName().equals("hasTable")) {
                // tables 7 and 8 were never named by a route
                return (int) a[1] != 7 && (int) a[1] != 8;
            }
            if (m.getName().equals("delete") && type == RouteService.class
                    && ((RouteSpec) a[0]).keyword() != null && ((RouteSpec) a[0]).keyword().equals("End.Q")) {
                throw new DataplaneException("unknown behavior End.Q; installed: End");
            }
            calls.add(type.getSimpleName() + "." + m.getName() + (a == null ? "" : " " + List.of(a)));
            if (a != null) {
                args.add(a[0]);
            }
            if (m.getReturnType() == List.class) {
                return List.of();
            }
            return null;
        });
    }

    private final Ip ip = new Ip(new Ip.Services() {
        final PortService ps = recorder(PortService.class);
        final AddressService as = recorder(AddressService.class);
        final RouteService rs = recorder(RouteService.class);
        final NeighborService ns = recorder(NeighborService.class);
        final SrService sr = recorder(SrService.class);
        @Override public PortService portService() { return ps; }
        @Override public AddressService addresses() { return as; }
        @Override public RouteService routes() { return rs; }
        @Override public NeighborService neighbors() { return ns; }
        @Override public SrService sr() { return sr; }
    });

    private String run(String line) {
        return ip.execute(Ip.words(line));
    }

    private String error(String line) {
        try {
            run(line);
        } catch (IllegalArgumentException e) {
            assertTrue(calls.toString(), calls.isEmpty());
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            return e.getMessage();
        }
        fail("accepted: " + line);
        return null;
    }

    /** A neighbor a control plane owns is shown with its proto after the state, as iproute2 prints NDA_PROTOCOL. */
    @Test
    public void neighborOfAControlPlaneIsShownWithItsProto() {
        NeighborService table = new NeighborService() {
            @Override public void add(String address, String mac, String port) { }
            @Override public void delete(String address, String port) { }
            @Override public void flush(String port) { }
            @Override public List<org.srv6.appliance.api.dataplane.NeighborInfo> list(int family) {
                return family == 4 ? List.of() : List.of(
                        new org.srv6.appliance.api.dataplane.NeighborInfo("fc00:1::2", "r0", "02:00:00:00:00:02",
                                "PERMANENT", "kernel"),
                        new org.srv6.appliance.api.dataplane.NeighborInfo("fc00:1::3", "r0", "02:00:00:00:00:03",
                                "PERMANENT"),
                        new org.srv6.appliance.api.dataplane.NeighborInfo("fc00:1::4", "r0", null, "INCOMPLETE"));
            }
        };
        Ip shown = new Ip(new Ip.Services() {
            @Override public PortService portService() { return recorder(PortService.class); }
            @Override public AddressService addresses() { return recorder(AddressService.class); }
            @Override public RouteService routes() { return recorder(RouteService.class); }
            @Override public NeighborService neighbors() { return table; }
            @Override public SrService sr() { return recorder(SrService.class); }
        });
        assertEquals("fc00:1::2 dev r0 lladdr 02:00:00:00:00:02 PERMANENT proto kernel\n"
                + "fc00:1::3 dev r0 lladdr 02:00:00:00:00:03 PERMANENT\n"
                + "fc00:1::4 dev r0 INCOMPLETE\n", shown.execute(Ip.words("ip -6 neigh show")));
    }

    @Test
    public void seg6localRouteKeepsBehaviorTableAndDevAfterParams() {
        run("ip -6 route add fc00::1/128 encap seg6local action End.DT6 table 100 dev r0");
        assertEquals(new RouteSpec(6, "fc00::1/128", null, "r0", 254, 0, "seg6local", "End.DT6",
                List.of("table", "100")), args.get(0));
    }

    @Test
    public void seg6EncapIpv4RouteHasFamily4() {
        run("ip r a 10.0.0.0/24 encap seg6 mode encap segs fc00::1,fc00::2 dev r0");
        assertEquals(new RouteSpec(4, "10.0.0.0/24", null, "r0", 254, 0, "seg6", "encap",
                List.of("segs", "fc00::1,fc00::2")), args.get(0));
    }

    @Test
    public void routeTableBeforeEncapIsTheRouteTable() {
        run("ip -6 route replace fc00::/64 via fe80::1 table 10 metric 5 dev r0");
        assertEquals("RouteService.replace", calls.get(0).split(" ")[0]);
        assertEquals(new RouteSpec(6, "fc00::/64", "fe80::1", "r0", 10, 5, null, null, List.of()), args.get(0));
    }

    @Test
    public void showOutputPastedAfterAddMakesTheSameRoute() {
        run("ip -6 route add 2001:db8::/64 via fe80::1 dev r0 table 10 proto kernel scope link metric 256 pref medium");
        run("ip route add 10.5.0.0/24 dev r0 proto kernel scope link src 10.5.0.1");
        assertEquals(List.of(new RouteSpec(6, "2001:db8::/64", "fe80::1", "r0", 10, 256, null, null, List.of()),
                new RouteSpec(4, "10.5.0.0/24", null, "r0", 254, 0, null, null, List.of())), args);
    }

    @Test
    public void multipathRouteReachesTheServiceWithItsPathsAndAKernelShowLinePastesBack() {
        run("ip -6 route add fc00:99::/64 table 10 nexthop via fc00:1::2 dev r0 weight 2 nexthop via fc00:2::2 dev r1");
        assertEquals("RouteService.add", calls.get(0).split(" ")[0]);
        RouteSpec want = new RouteSpec(6, "fc00:99::/64", null, null, 10, 0, null, null, List.of(), null,
                List.of(new RouteSpec.Nexthop("fc00:1::2", "r0", 2), new RouteSpec.Nexthop("fc00:2::2", "r1", 1)));
        assertEquals(want, args.get(0));
        // iproute2's lines of the kernel's route, pasted as one
        run("ip -6 route replace fc00:99::/64 table 10 proto static metric 1024 pref medium\n"
                + "\tnexthop via fc00:1::2 dev r0 weight 2 \n\tnexthop via fc00:2::2 dev r1 weight 1 ");
        assertEquals(new RouteSpec(6, "fc00:99::/64", null, null, 10, 1024, null, null, List.of(), null, want.nexthops()),
                args.get(1));
    }

    @Test
    public void aMultipathRouteWithEncapIsRefusedBeforeTheService() {
        assertTrue(error("ip -6 route add fc00::/64 nexthop via fc00:1::2 dev r0 encap seg6 mode encap segs fc00::1"
                + " nexthop via fc00:2::2 dev r1").startsWith("encap in a nexthop is not supported"));
    }

    @Test
    public void routeShowNamesTablesAsAddDoes() {
        assertEquals("", run("ip -6 route show table local"));
        assertEquals("", run("ip -6 route show table all"));
        assertEquals(List.of("RouteService.list [6, 255]", "RouteService.list [6, -1]"), calls);
        calls.clear();
        assertTrue(error("ip -6 route show table blue").startsWith("invalid table 'blue'"));
    }

    @Test
    public void routeShowOfATableNoRouteNamedIsRefusedAsTheKernelDoes() {
        assertEquals("ipv6: FIB table 7 does not exist; a table exists once a route names it",
                error("ip -6 route show table 7"));
        assertEquals("ipv4: FIB table 8 does not exist; a table exists once a route names it",
                error("ip route show table 8"));
        assertEquals("", run("ip -6 route show table 100"));
        assertEquals("", run("ip -4 route show table 100"));
        assertEquals(List.of("RouteService.list [6, 100]", "RouteService.list [4, 100]"), calls);
    }

    @Test
    public void linkSetVrfBindsThePortToATable() {
        run("ip link set r0 vrf 100");
        run("ip link set dev r0 table main");
        run("ip link set r0 master 7 up");
        run("ip link set r0 nomaster");
        assertEquals(List.of("PortService.setTable [r0, 100]", "PortService.setTable [r0, 254]",
                "PortService.setTable [r0, 7]", "PortService.setUp [r0, true]", "PortService.setTable [r0, 254]"), calls);
        calls.clear();
        assertTrue(error("ip link set r0 vrf local").startsWith("invalid table 'local' for a port"));
        assertTrue(error("ip link set r0 vrf blue").startsWith("invalid table 'blue' for a port"));
        assertTrue(error("ip link set r0 vrf").contains("table after vrf"));
    }

    @Test
    public void linkShowPrintsTheBoundTableWhereIproute2PrintsTheMaster() {
        StringBuilder sb = new StringBuilder();
        IpLink.header(sb, new PortInfo(3, "r0", "tap", "aa:bb:cc:dd:ee:01", 1500, true, 1, null, null, 100));
        assertEquals("3: r0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 vrf 100 state UP\n"
                + "    link/ether aa:bb:cc:dd:ee:01 brd ff:ff:ff:ff:ff:ff\n", sb.toString());
    }

    @Test
    public void packetPortsAreAddedWithTheirInterfaceAndBadWordsAreOneLine() {
        run("ip link add pk0 type packet dev veth0");
        assertEquals(List.of("PortService.addPacket [pk0, veth0]"), calls);
        calls.clear();
        assertEquals("a packet port needs dev IFNAME: the interface to attach to", error("ip link add pk0 type packet"));
        assertEquals("a packet port takes only dev IFNAME (an interface of the appliance's namespace)",
                error("ip link add pk0 type packet dev veth0 queues 2"));
        assertEquals("a packet port takes only dev IFNAME (an interface of the appliance's namespace)",
                error("ip link add pk0 type packet dev veth0 netns x"));
        assertEquals("dev IFNAME belongs to type packet; a tap port does not take it",
                error("ip link add pk0 type tap dev veth0"));
        assertTrue(error("ip link add pk0 type packet dev").contains("interface after dev"));
        assertEquals("queues 0 out of range; expected 1..16", error("ip link add t0 type tap queues 0"));
        assertTrue(Usage.LINK, Usage.LINK.contains("ip link add NAME type packet dev IFNAME"));
    }

    @Test
    public void linkShowPrintsAPacketPortAsItsAddLineAndDetailsItsRings() throws DataplaneException {
        PortService ps = (PortService) Proxy.newProxyInstance(PortService.class.getClassLoader(),
                new Class<?>[] {PortService.class}, (p, m, a) -> List.of(
                        new PortInfo(4, "pk0", "packet", "aa:bb:cc:dd:ee:04", 1500, true, 1, null, "veth0", 254,
                                "rx tpacket_v3 32x128KiB tx tpacket_v2 128x16KiB per loop"),
                        new PortInfo(5, "t0", "tap", "aa:bb:cc:dd:ee:05", 1500, false, 2, "h1", "eth1", 254, null)));
        String head4 = "4: pk0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n"
                + "    link/ether aa:bb:cc:dd:ee:04 brd ff:ff:ff:ff:ff:ff\n";
        String head5 = "5: t0: <BROADCAST,MULTICAST> mtu 1500 state DOWN\n"
                + "    link/ether aa:bb:cc:dd:ee:05 brd ff:ff:ff:ff:ff:ff link-netns h1 ifname eth1\n";
        assertEquals(head4 + "    type packet dev veth0\n" + head5,
                IpLink.execute(ps, new ArrayList<>(List.of("show")), false, false));
        assertEquals(head4 + "    type packet dev veth0\n"
                + "    rings rx tpacket_v3 32x128KiB tx tpacket_v2 128x16KiB per loop\n"
                + head5 + "    type tap queues 2 netns h1 name eth1\n",
                IpLink.execute(ps, new ArrayList<>(List.of("show")), false, true));
    }

    @Test
    public void linkAndAddrAndNeighAndSr() {
        run("ip link add t1 type tap queues 2");
        run("ip l set r0 up mtu 9000");
        run("ip -6 a add 2001:db8::1/64 dev r0");
        run("ip n add 2001:db8::2 lladdr aa:bb:cc:dd:ee:02 dev r0");
        run("ip sr tunsrc set fc00::9");
        run("ip sr hmac set 7 sha256 secret");
        run("ip sr steer add iif r0 mode l2encap segs fc00::1");
        assertEquals(List.of("PortService.addTap [t1, 2]", "PortService.setUp [r0, true]",
                "PortService.setMtu [r0, 9000]", "AddressService.add [r0, 2001:db8::1/64]",
                "NeighborService.add [2001:db8::2, aa:bb:cc:dd:ee:02, r0]", "SrService.setTunnelSource [fc00::9]",
                "SrService.setHmacKey [7, sha256, secret]", "SrService.addSteer [r0, l2encap, [segs, fc00::1]]"), calls);
    }

    @Test
    public void hmacKeysAreSetDeletedAndShownWithoutTheirSecrets() {
        run("ip sr hmac set 4294967294 sha1 s3cret");
        run("ip sr hmac set 7 sha256 \"\"");
        run("ip sr hmac del 7");
        run("ip sr hmac policy r0 -1");
        assertEquals(List.of("SrService.setHmacKey [-2, sha1, s3cret]", "SrService.setHmacKey [7, sha256, ]",
                "SrService.setHmacKey [7, , ]", "SrService.setHmacPolicy [r0, -1]"), calls);
        assertEquals("hmac 7 algo sha256\nhmac 4294967294 algo sha1\n", run("ip sr hmac show"));
    }

    @Test
    public void badHmacCommandsAreOneLine() {
        assertEquals("unknown HMAC algorithm 'md5'; expected sha1 or sha256", error("ip sr hmac set 7 md5 x"));
        assertEquals("invalid key id '0'; expected a number from 1 to 4294967295", error("ip sr hmac set 0 sha1 x"));
        assertEquals("invalid key id '4294967296'; expected a number from 1 to 4294967295",
                error("ip sr hmac del 4294967296"));
        assertEquals("unexpected 'words' after the secret; expected one word as the secret",
                error("ip sr hmac set 7 sha1 two words"));
        assertEquals("invalid HMAC policy '2'; expected -1, 0 or 1", error("ip sr hmac policy r0 2"));
    }

    @Test
    public void linkShowHasIproute2Layout() {
        assertEquals("3: r0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n"
                + "    link/ether aa:bb:cc:dd:ee:01 brd ff:ff:ff:ff:ff:ff\n", run("ip link show"));
    }

    @Test
    public void rejectedLinesSayWhatIsExpected() {
        assertEquals("unknown object 'rte'; expected link, addr, route, neigh, sr", error("ip rte show"));
        assertEquals("missing dev; expected ip addr add A/LEN dev PORT", error("ip addr add 10.0.0.1/24"));
        assertTrue(error("ip -6 route add fc00::/129 dev r0").startsWith("invalid prefix 'fc00::/129'"));
    }

    @Test
    public void coreMessagePassesThrough() {
        try {
            run("ip -6 route del fc00::1/128 encap seg6local action End.Q");
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("unknown behavior End.Q; installed: End", e.getMessage());
        }
    }
}
