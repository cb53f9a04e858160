package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;

/** Tables as the operator sees them (SPEC §3): a table exists once a route names it; its listing as iproute2's. */
public class RouteTablesTest extends DataplaneTestSupport {

    private List<String> texts(int family, int table) {
        return dp.routes().list(family, table).stream().map(RouteInfo::text).toList();
    }

    @Test
    public void aTableExistsOnceARouteNamesItAndStaysAfterTheRouteGoes() throws Exception {
        RouteService rs = dp.routes();
        assertTrue("main always", rs.hasTable(6, 254));
        assertTrue("local always", rs.hasTable(4, 255));
        assertFalse(rs.hasTable(6, 100));
        rs.add(new RouteSpec(6, "2001:db8:77::/48", HOST1, "p1", 100, 0, null, null, null));
        assertTrue(rs.hasTable(6, 100));
        assertFalse("IPv4 and IPv6 tables are apart, as in Linux", rs.hasTable(4, 100));
        rs.delete(new RouteSpec(6, "2001:db8:77::/48", null, null, 100, 0, null, null, null));
        assertTrue("a table is not taken away", rs.hasTable(6, 100));
        assertEquals(List.of(), texts(6, 100));
    }

    @Test
    public void oneTableIsListedWithoutTheTableWordAllWithIt() throws Exception {
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 1, 0, 1, "test.end", "1.0.0"));
        RouteService rs = dp.routes();
        rs.add(new RouteSpec(6, "2001:db8:77::/48", HOST1, "p1", 100, 0, null, null, null));
        rs.add(new RouteSpec(4, "10.7.0.0/24", HOST1_4, "p1", 100, 0, null, null, null));
        rs.add(new RouteSpec(6, "fc00:9::1/128", null, "p0", 100, 0, "seg6local", "End", List.of()));
        rs.add(new RouteSpec(4, "10.8.0.0/24", HOST1_4, "p1", 254, 0, null, null, null));
        assertEquals(List.of("2001:db8:77::/48 via 2001:db8:1::2 dev p1 metric 1024",
                "fc00:9::1 encap seg6local action End dev p0 metric 1024"), texts(6, 100));
        assertEquals(List.of("10.7.0.0/24 via 10.1.0.2 dev p1"), texts(4, 100));
        assertTrue(texts(4, 254).toString(), texts(4, 254).contains("10.8.0.0/24 via 10.1.0.2 dev p1"));
        assertTrue("main does not list table 100: " + texts(4, 254), texts(4, 254).stream().noneMatch(t -> t.startsWith("10.7.")));
        List<String> all = texts(6, RouteService.ALL_TABLES);
        assertTrue(all.toString(), all.contains("2001:db8:77::/48 via 2001:db8:1::2 dev p1 table 100 metric 1024"));
        assertTrue(all.toString(), all.contains("fc00:9::1 encap seg6local action End dev p0 table 100 metric 1024"));
        assertTrue(all.toString(), all.stream().anyMatch(t -> t.startsWith("local 2001:db8::1 dev p0 table local")));
        List<String> all4 = texts(4, RouteService.ALL_TABLES);
        assertTrue(all4.toString(), all4.contains("10.7.0.0/24 via 10.1.0.2 dev p1 table 100"));
        assertTrue(all4.toString(), all4.contains("10.8.0.0/24 via 10.1.0.2 dev p1"));
    }
}
