package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import java.util.List;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;

/** {@code ip link del}: what was bound to a port does not move to the next port created. */
public class PortLifecycleTest extends DataplaneTestSupport {

    @Test
    public void routesOfADeletedPortDoNotMoveToTheNextPortCreated() throws Exception {
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 1, 0, 1, "test.end", "1.0.0"));
        dp.ports().addMemory("p2");
        dp.addresses().add("p2", "2001:db8:2::1/64");
        dp.routes().add(new RouteSpec(6, "2001:db8:22::/48", "2001:db8:2::9", null, 254, 0, null, null, null));
        dp.routes().add(new RouteSpec(6, "fc00::22/128", null, "p2", 254, 0, "seg6local", "End", List.of()));
        dp.ports().delete("p2");
        assertNull(dp.ports().get("p2"));
        dp.ports().addMemory("p3"); // takes the index p2 had
        for (RouteInfo r : dp.routes().list(6, RouteService.ALL_TABLES)) {
            assertFalse("a route of the deleted p2 is now bound to p3: " + r.text(),
                    r.text().contains(" dev p3") && !r.spec().prefix().startsWith("fe80"));
        }
        assertEquals("the plain route through p2 is gone", 0, dp.routes().list(6, RouteService.ALL_TABLES).stream()
                .filter(r -> r.spec().prefix().equals("2001:db8:22::/48")).count());
    }
}
