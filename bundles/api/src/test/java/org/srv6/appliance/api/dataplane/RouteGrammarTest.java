package org.srv6.appliance.api.dataplane;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.behavior.AttributeParser;

/** The route line both ways: what show prints, add accepts (SPEC: pasting show output back into add). */
public class RouteGrammarTest {

    private static RouteSpec route(int family, String prefix, String via, String dev, int table, int metric,
            String encap, String keyword, List<String> params) {
        return new RouteSpec(family, prefix, via, dev, table, metric, encap, keyword, params);
    }

    private static String error(String line, int family) {
        try {
            RouteGrammar.parse(line, family);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            return e.getMessage();
        }
        fail("accepted: " + line);
        return null;
    }

    @Test
    public void seg6localParametersRunUntilARouteKeywordSoTheBehaviorKeepsItsTable() {
        assertEquals(route(6, "fc00::1/128", null, "r0", 254, 0, "seg6local", "End.DT6", List.of("table", "100")),
                RouteGrammar.parse("fc00::1/128 encap seg6local action End.DT6 table 100 dev r0", 6));
    }

    @Test
    public void srcOfAProxyBelongsToItsSeg6localParameters() {
        assertEquals(route(6, "fc00::a5/128", null, "r0", 254, 0, "seg6local", "End.AS", List.of("nh6", "fc00::2",
                "oif", "s0", "iif", "s0", "src", "fc00::1", "segs", "fc00::5")),
                RouteGrammar.parse("fc00::a5 encap seg6local action End.AS nh6 fc00::2 oif s0 iif s0 src fc00::1 segs fc00::5"
                        + " dev r0", 6));
    }

    @Test
    public void tableBeforeTheEncapOrAfterDevIsTheRouteTable() {
        assertEquals(route(6, "fc00::1/128", null, "r0", 10, 0, "seg6local", "End", List.of()),
                RouteGrammar.parse("fc00::1 table 10 encap seg6local action End dev r0", 6));
        assertEquals(route(6, "fc00::1/128", null, "r0", 10, 0, "seg6local", "End", List.of()),
                RouteGrammar.parse("fc00::1 encap seg6local action End dev r0 table 10", 6));
    }

    @Test
    public void aPrefixWithoutLengthIsAHostRouteAndDefaultIsTheZeroPrefix() {
        assertEquals("fc00::1/128", RouteGrammar.parse("fc00::1 dev r0", 0).prefix());
        assertEquals("10.0.0.1/32", RouteGrammar.parse("10.0.0.1 dev r0", 0).prefix());
        assertEquals("::/0", RouteGrammar.parse("default via fe80::1 dev r0", 6).prefix());
        assertEquals("0.0.0.0/0", RouteGrammar.parse("default via 10.0.0.1 dev r0", 4).prefix());
        assertEquals(4, RouteGrammar.parse("10.0.0.0/24 encap seg6 mode encap segs fc00::1 dev r0", 0).family());
    }

    @Test
    public void printedRoutesHaveTheRunningConfigurationForm() {
        assertEquals("2001:db8:77::/48 via 2001:db8:5::2 dev a0 metric 1024", RouteGrammar.print(
                route(6, "2001:db8:77::/48", "2001:db8:5::2", "a0", 254, 1024, null, null, null)));
        assertEquals("10.77.0.0/16 via 10.5.0.2 dev a0", RouteGrammar.print(
                route(4, "10.77.0.0/16", "10.5.0.2", "a0", 254, 0, null, null, null)));
        assertEquals("2001:db8:88::/64 dev b0 table 100 metric 50", RouteGrammar.print(
                route(6, "2001:db8:88::/64", null, "b0", 100, 50, null, null, null)));
        assertEquals("fc00:5::2 encap seg6local action End flavors psp dev a0 metric 1024", RouteGrammar.print(
                route(6, "fc00:5::2", null, "a0", 254, 1024, "seg6local", "End", List.of("flavors", "psp"))));
        assertEquals("10.0.0.0/24 encap seg6 mode encap segs fc00::1 dev a0", RouteGrammar.print(
                route(4, "10.0.0.0/24", null, "a0", 254, 0, "seg6", "encap", List.of("segs", "fc00::1"))));
    }

    @Test
    public void theTableIsLeftOutWhenOnlyOneTableIsListed() {
        RouteSpec r = route(6, "fc00::/64", null, "b0", 100, 1024, null, null, null);
        assertEquals("fc00::/64 dev b0 metric 1024", RouteGrammar.print(r, new RouteGrammar.Shown(null, false, null, null, null)));
        assertEquals("fc00::/64 dev b0 table 100 metric 1024", RouteGrammar.print(r));
    }

    @Test
    public void kernelRoutesPrintTheirTypeProtocolScopeAndSource() {
        assertEquals("10.5.0.0/24 dev a0 proto kernel scope link src 10.5.0.1", RouteGrammar.print(
                route(4, "10.5.0.0/24", null, "a0", 254, 0, null, null, null),
                new RouteGrammar.Shown(null, true, "kernel", "link", "10.5.0.1")));
        assertEquals("local fc00::1 dev a0 table local proto kernel metric 0", RouteGrammar.print(
                route(6, "fc00::1", null, "a0", 255, 0, null, null, null),
                new RouteGrammar.Shown("local", true, "kernel", null, null)));
    }

    @Test
    public void everyWordShowPrintsIsAcceptedByAdd() {
        assertEquals(route(4, "10.5.0.0/24", null, "a0", 254, 0, null, null, null),
                RouteGrammar.parse("10.5.0.0/24 dev a0 proto kernel scope link src 10.5.0.1", 0));
        assertEquals(route(6, "2001:db8::/64", "fe80::1", "a0", 254, 1024, null, null, null),
                RouteGrammar.parse("2001:db8::/64 via inet6 fe80::1 dev a0 proto static metric 1024 pref medium", 6));
        assertEquals(route(6, "2001:db8::/64", null, "a0", 254, 0, null, null, null),
                RouteGrammar.parse("unicast to 2001:db8::/64 dev a0 onlink mtu 1400 expires 300sec", 6));
    }

    @Test
    public void printThenParseGivesTheSameRoute() {
        List<RouteSpec> routes = List.of(
                route(6, "2001:db8:77::/48", "2001:db8:5::2", "a0", 254, 1024, null, null, null),
                route(4, "10.77.0.0/16", "10.5.0.2", "a0", 254, 0, null, null, null),
                route(4, "10.78.0.0/16", "10.5.0.2", null, 7, 20, null, null, null),
                route(6, "2001:db8:88::/64", null, "b0", 100, 50, null, null, null),
                route(6, "fc00:5::2/128", null, "a0", 254, 1024, "seg6local", "End.DT6", List.of("table", "100")),
                route(6, "fc00:5::3/128", null, "a0", 255, 1024, "seg6local", "End.X", List.of("nh6", "fe80::2", "oif", "a0")),
                route(6, "2001:db8:99::/64", null, "a0", 254, 1024, "seg6", "encap.red", List.of("segs", "fc00::1,fc00::2")));
        for (RouteSpec r : routes) {
            String line = RouteGrammar.print(r);
            assertEquals(line, r, RouteGrammar.parse(line, r.family()));
        }
    }

    @Test
    public void aLocalRouteCannotBeAddedAndSaysWhereItComesFrom() {
        String m = error("local fc00::1 dev a0 table local proto kernel metric 0", 6);
        assertTrue(m, m.startsWith("route type 'local' cannot be added here") && m.contains("ip addr add"));
    }

    @Test
    public void rejectedLinesSayWhatIsExpected() {
        assertTrue(error("fc00::/129 dev r0", 6).startsWith("invalid prefix 'fc00::/129'"));
        assertEquals("missing prefix; expected ip route add PREFIX [via NH] [dev PORT] [encap ...]", error("dev r0", 6));
        assertEquals("unexpected 'fc00::2'; expected via, dev, table, metric or encap", error("fc00::1 fc00::2", 6));
        assertEquals("unknown encap type 'mpls'; expected seg6 or seg6local", error("fc00::1 encap mpls 100", 6));
        assertEquals("missing action; expected encap seg6local action ACTION PARAMS", error("fc00::1 encap seg6local End", 6));
        assertTrue(error("fc00::1 dev r0 table blue", 6).startsWith("invalid table 'blue'"));
        assertEquals("address '10.0.0.0/8' is IPv4; expected an IPv6 address", error("10.0.0.0/8 dev r0", 6));
    }

    @Test
    public void tablesAreNamedAsIproute2NamesThem() {
        assertEquals(254, RouteGrammar.tableId("main"));
        assertEquals(255, RouteGrammar.tableId("local"));
        assertEquals(253, RouteGrammar.tableId("default"));
        assertEquals(100, RouteGrammar.tableId("100"));
        assertEquals(-1, RouteGrammar.tableId("0"));
        assertEquals(-1, RouteGrammar.tableId("blue"));
        assertEquals(-1, RouteGrammar.tableId("4294967296"));
        assertEquals("main", RouteGrammar.tableName(254));
        assertEquals("local", RouteGrammar.tableName(255));
        assertEquals("100", RouteGrammar.tableName(100));
        assertEquals("behaviors name tables the same way", RouteGrammar.tableId("main"), AttributeParser.tableId("main"));
    }

    private static final String MULTIPATH6 = "fc00:99::/64 metric 1024 nexthop via fc00:1::2 dev p1 weight 1"
            + " nexthop via fc00:2::2 dev p2 weight 3";

    @Test
    public void aMultipathRouteNamesEachPathAfterNexthopWithItsWeight() {
        RouteSpec r = RouteGrammar.parse("fc00:99::/64 nexthop via fc00:1::2 dev p1 nexthop via inet6 fc00:2::2 dev p2"
                + " weight 3", 6);
        assertEquals(List.of(new RouteSpec.Nexthop("fc00:1::2", "p1", 1), new RouteSpec.Nexthop("fc00:2::2", "p2", 3)),
                r.nexthops());
        assertEquals(null, r.via());
        assertEquals(null, r.dev());
        assertTrue(r.multipath());
    }

    @Test
    public void aMultipathRouteIsPrintedOnOneLineForTheConfigurationAndPastesBack() {
        RouteSpec r = RouteGrammar.parse(MULTIPATH6, 6);
        assertEquals(MULTIPATH6, RouteGrammar.print(r));
        assertEquals(r, RouteGrammar.parse(RouteGrammar.print(r), 6));
    }

    @Test
    public void showPrintsEachPathOnItsOwnLineAsIproute2PrintsTheKernels() {
        RouteSpec r = RouteGrammar.parse(MULTIPATH6, 6);
        assertEquals("fc00:99::/64 metric 1024\n\tnexthop via fc00:1::2 dev p1 weight 1 \n\tnexthop via fc00:2::2 dev p2"
                + " weight 3 ", RouteGrammar.show(r, RouteGrammar.Shown.CONFIGURED));
        assertEquals(r, RouteGrammar.parse(RouteGrammar.show(r, RouteGrammar.Shown.CONFIGURED), 6));
        RouteSpec v4 = RouteGrammar.parse("10.99.0.0/24 table 7 metric 5 nexthop via 10.1.0.2 dev p1 nexthop via"
                + " 10.2.0.2 dev p2 weight 256", 0);
        assertEquals("10.99.0.0/24 table 7 metric 5\n\tnexthop via 10.1.0.2 dev p1 weight 1 \n\tnexthop via 10.2.0.2"
                + " dev p2 weight 256 ", RouteGrammar.show(v4, new RouteGrammar.Shown(null, true, null, null, null)));
        assertEquals(4, v4.family());
        assertEquals(7, v4.table());
        assertEquals("10.99.0.0/24 table 7 metric 5 nexthop via 10.1.0.2 dev p1 weight 1 nexthop via 10.2.0.2 dev p2"
                + " weight 256", RouteGrammar.print(v4));
    }

    @Test
    public void aSinglePathRouteIsShownAsBefore() {
        RouteSpec r = RouteGrammar.parse("fc00::/64 via fc00:1::2 dev p1", 6);
        assertEquals(RouteGrammar.print(r), RouteGrammar.show(r, RouteGrammar.Shown.CONFIGURED));
    }

    @Test
    public void oneNexthopIsAPlainRouteAsTheKernelMakesIt() {
        assertEquals(route(6, "fc00:97::/64", "fc00:1::2", "p1", 254, 0, null, null, List.of()),
                RouteGrammar.parse("fc00:97::/64 nexthop via fc00:1::2 dev p1 weight 5", 6));
    }

    @Test
    public void aWeightOutside1To256IsRefused() {
        assertEquals("invalid weight '0'; expected a number from 1 to 256",
                error("fc00::/64 nexthop via fc00:1::2 dev p1 weight 0 nexthop dev p2", 6));
        assertEquals("invalid weight '257'; expected a number from 1 to 256",
                error("fc00::/64 nexthop via fc00:1::2 dev p1 weight 257 nexthop dev p2", 6));
        assertEquals("invalid weight 'x'; expected a number from 1 to 256",
                error("fc00::/64 nexthop via fc00:1::2 dev p1 weight x nexthop dev p2", 6));
    }

    @Test
    public void encapInANexthopOrOnAMultipathRouteIsRefused() {
        assertTrue(error("fc00::/64 nexthop via fc00:1::2 dev p1 encap seg6 mode encap segs fc00::1 nexthop dev p2", 6)
                .startsWith("encap in a nexthop is not supported"));
        assertTrue(error("fc00::1 encap seg6local action End nexthop via fc00:1::2 dev p1 nexthop dev p2", 6)
                .startsWith("nexthop with encap seg6local"));
        assertTrue(error("fc00::/64 encap seg6 mode encap segs fc00::1 nexthop via fc00:1::2 dev p1 nexthop dev p2", 6)
                .startsWith("nexthop with encap seg6"));
    }

    @Test
    public void aMalformedPathIsRefusedWithOneLine() {
        assertTrue(error("fc00::/64 via fc00:1::2 nexthop via fc00:2::2 dev p2 nexthop dev p1", 6)
                .startsWith("via or dev before nexthop"));
        assertTrue(error("fc00::/64 nexthop weight 2 nexthop dev p1", 6).startsWith("nexthop without via or dev"));
        assertTrue(error("fc00::/64 nexthop via fc00:1::2 metric 5 nexthop dev p1", 6)
                .startsWith("unexpected 'metric' in a nexthop"));
        assertTrue(error("fc00::/64 nexthop via 10.0.0.1 nexthop dev p1", 6).startsWith("address '10.0.0.1' is IPv4"));
    }
}
