package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;

/** {@code ip -s -6 route show}: a proxy SID's counters per direction where iproute2 puts a SID's counters. */
public class ProxyRouteStatsTest {

    private static RouteService routes(List<RouteInfo> shown) {
        return (RouteService) Proxy.newProxyInstance(RouteService.class.getClassLoader(),
                new Class<?>[] {RouteService.class}, (p, m, a) -> switch (m.getName()) {
                    case "list" -> shown;
                    case "hasTable" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static RouteSpec sid(String prefix, String keyword, String params) {
        return new RouteSpec(6, prefix, null, "r1", 254, 1024, RouteSpec.SEG6LOCAL, keyword, List.of(params));
    }

    @Test
    public void aProxySidShowsToServiceAndFromServiceCountersAnOrdinarySidItsOwn() throws Exception {
        RouteService rs = routes(List.of(
                new RouteInfo(sid("fc00::1", "End", ""), "fc00::1 encap seg6local action End dev r1 metric 1024",
                        true, 3, 300, 1),
                new RouteInfo(sid("fc00::a", "End.AD", "nh6 2001:db8:5::2 oif s1 iif s2"),
                        "fc00::a encap seg6local action End.AD nh6 2001:db8:5::2 oif s1 iif s2 dev r1 metric 1024",
                        true, 10, 1000, 1, true, 8, 800, 2)));
        String out = IpRoute.execute(rs, new ArrayList<>(List.of("show")), 6, true);
        assertEquals("fc00::1 encap seg6local action End packets 3 bytes 300 errors 1 dev r1 metric 1024\n"
                + "fc00::a encap seg6local action End.AD nh6 2001:db8:5::2 oif s1 iif s2 to-service packets 10 bytes "
                + "1000 errors 1 from-service packets 8 bytes 800 errors 2 dev r1 metric 1024\n", out);
        assertEquals("without -s: the pasteable lines",
                "fc00::1 encap seg6local action End dev r1 metric 1024\n"
                        + "fc00::a encap seg6local action End.AD nh6 2001:db8:5::2 oif s1 iif s2 dev r1 metric 1024\n",
                IpRoute.execute(rs, new ArrayList<>(List.of("show")), 6, false));
    }
}
