package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.testkit.Packets;

/** {@code ip link set PORT vrf T}: plain IP input on a bound port is looked up in table T (SPEC §3). */
public class PortTableTest extends DataplaneTestSupport {
    private static final String FAR6 = "2001:db8:77::5";
    private static final String FAR4 = "10.7.0.5";

    private byte[] udp6(String src, String dst) {
        return Packets.ipv6(src, dst).hopLimit(64).udp(1, 2, Packets.fill(10, 3)).bytes();
    }

    private byte[] udp4(String src, String dst) {
        return Packets.ipv4(src, dst).ttl(64).id(7).payload(17, Packets.fill(12, 4)).bytes();
    }

    private static byte[] hopLimit(byte[] pkt, int hl) {
        byte[] c = pkt.clone();
        c[7] = (byte) hl;
        return c;
    }

    @Test
    public void boundPortLooksIpv6UpInItsTable() throws Exception {
        dp.routes().add(new RouteSpec(6, "2001:db8:77::/48", HOST1, "p1", 100, 0, null, null, null));
        // not yet bound: main has no route, Destination Unreachable back to host0
        p0.inject(fromHost0(Packets.ETH_IPV6, udp6(HOST0, FAR6)));
        awaitDrop(DropReason.NO_ROUTE, 1);
        assertEquals("ICMPv6 Destination Unreachable", 1, poll(p0)[14 + 40] & 0xff);
        assertNothingSent(p1, 50);

        dp.ports().setTable("p0", 100);
        assertEquals(100, dp.ports().get("p0").table());
        byte[] pkt = udp6(HOST0, FAR6);
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("forwarded by table 100", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, hopLimit(pkt, 63)),
                poll(p1));

        // p1 is still in main: the route in table 100 is not seen from there
        p1.inject(fromHost1(Packets.ETH_IPV6, udp6(HOST1, FAR6)));
        awaitDrop(DropReason.NO_ROUTE, 2);
        assertEquals("ICMPv6 Destination Unreachable", 1, poll(p1)[14 + 40] & 0xff);

        dp.ports().setTable("p0", 254);
        assertEquals(254, dp.ports().get("p0").table());
        p0.inject(fromHost0(Packets.ETH_IPV6, udp6(HOST0, FAR6)));
        awaitDrop(DropReason.NO_ROUTE, 3);
        assertNothingSent(p1, 50);
    }

    @Test
    public void boundPortLooksIpv4UpInItsTable() throws Exception {
        dp.routes().add(new RouteSpec(4, "10.7.0.0/24", HOST1_4, "p1", 100, 0, null, null, null));
        dp.ports().setTable("p0", 100);
        byte[] pkt = udp4(HOST0_4, FAR4);
        p0.inject(fromHost0(Packets.ETH_IPV4, pkt));
        byte[] out = poll(p1);
        assertFrame("forwarded by table 100, TTL - 1",
                Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV4, Packets.ipv4(HOST0_4, FAR4).ttl(63).id(7)
                        .payload(17, Packets.fill(12, 4)).bytes()), out);
        p1.inject(fromHost1(Packets.ETH_IPV4, udp4(HOST1_4, FAR4)));
        awaitDrop(DropReason.NO_ROUTE, 1);
    }

    @Test
    public void connectedRoutesFollowThePortIntoItsTable() throws Exception {
        dp.ports().setTable("p0", 100);
        assertTrue(texts(6, 100).toString(), texts(6, 100).contains("2001:db8::/64 dev p0 proto kernel metric 256"));
        assertTrue(texts(4, 100).toString(), texts(4, 100).stream().anyMatch(t -> t.startsWith("10.0.0.0/24 dev p0")));
        assertTrue(texts(6, 254).toString(), texts(6, 254).stream().noneMatch(t -> t.contains("dev p0")));
        // host0 is connected in table 100 only: from p1 (main) it is unreachable, from p0 it is not
        p1.inject(fromHost1(Packets.ETH_IPV6, udp6(HOST1, HOST0)));
        awaitDrop(DropReason.NO_ROUTE, 1);
        assertEquals("ICMPv6 Destination Unreachable", 1, poll(p1)[14 + 40] & 0xff);
        dp.routes().add(new RouteSpec(6, "2001:db8:1::/64", null, "p1", 100, 0, null, null, null));
        byte[] pkt = udp6(HOST0, HOST1);
        p0.inject(fromHost0(Packets.ETH_IPV6, pkt));
        assertFrame("to host1 by table 100", Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, hopLimit(pkt, 63)),
                poll(p1));
        // the appliance's own addresses stay reachable from every port (the local table comes first)
        p0.inject(fromHost0(Packets.ETH_IPV6, echoRequest6(HOST0, P1_ADDR, 64, 9, 1, 8)));
        assertEquals("echo reply", 129, poll(p0)[14 + 40] & 0xff);
        dp.ports().setTable("p0", 254);
        assertTrue(texts(6, 254).toString(), texts(6, 254).contains("2001:db8::/64 dev p0 proto kernel metric 256"));
    }

    private List<String> texts(int family, int table) {
        return dp.routes().list(family, table).stream().map(RouteInfo::text).toList();
    }

    @Test
    public void tableZeroLocalAndUnknownPortsAreRefused() throws Exception {
        for (int t : new int[] {0, 255}) {
            try {
                dp.ports().setTable("p0", t);
                fail("table " + t + " accepted");
            } catch (DataplaneException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("table " + t + " cannot take"));
            }
        }
        try {
            dp.ports().setTable("nope", 100);
            fail("unknown port accepted");
        } catch (DataplaneException e) {
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
        }
        assertEquals(254, dp.ports().get("p0").table());
    }
}
