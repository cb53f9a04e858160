package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertFalse;

import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for End.AM (draft-ietf-spring-sr-service-programming §6.4) while traffic flows through
 * memory ports: pm0 the network side, pm1 the service's port (oif and iif), pm2 toward the next
 * segment. With the bundle uninstalled the SID is inactive, its packets are counted as
 * behavior-absent and nothing reaches the service or the next segment, while End keeps
 * forwarding; reinstalled, both directions (to the service, and back from it) work again byte for
 * byte. Under a stream of frames sent while the bundle goes and comes back every frame either
 * reaches the service or is counted absent; an update (make-before-break) loses none in either
 * direction. No buffer held or leaked.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EndAmHotSwapIT extends SidHotSwap {
    private static final String ARTIFACT = "srv6-behavior-end-am";
    private static final String SERVICE = "2001:db8:1::2";
    private static final String SERVICE_MAC = "02:00:00:00:01:02";
    private static final String PEER = "2001:db8:2::2";
    private static final String PEER_MAC = "02:00:00:00:02:02";
    private static final String AM_SID = "fc00:1::40";
    /** The last segment, the service's destination while masqueraded. */
    private static final String LAST = "fc00:3::6";

    @Test
    public void endAmComesAndGoesWhileTrafficFlows() throws Exception {
        swap("End.AM");
    }

    /** Under a stream of frames while the bundle goes and comes back, and an update, in either direction. */
    @Override
    void afterCycles(Case c) throws Exception {
        underTraffic(c);
        updateLosesNothing(c, c.probes().get(0));
        updateLosesNothing(c, c.returns().get(0));
    }

    /** The frame leaves its port exactly as expected, once. */
    @Override
    void forwarded(String at, Probe p) throws Exception {
        exactly(at, p);
        assertFalse(at + p.what() + ": sent twice", port(p.out()).poll(20) != null);
    }

    private static Ipv6Builder am(String da, int sl, int hl) {
        return Packets.ipv6(HOST, da).hopLimit(hl).srh(sl, AM_SID, NEXT, LAST)
                .ipv6(Packets.ipv6("2001:db8:a::1", "2001:db8:b::2").udp(1000, 2000, Packets.fill(24, 5)));
    }

    /** The probe goes to the service (counted behavior-absent while End.AM is out); the return comes back from it. */
    @Override
    Topology topology() throws Exception {
        installBehaviors(context, List.of("srv6-behavior-end", ARTIFACT), List.of("End", "End.AM"));
        Core core = core(context);
        startPacketBuilder(context);

        Map<String, MemoryPort> p = core.memoryPorts("pm0", "pm1", "pm2");
        core.addresses().add("pm0", "2001:db8::1/64");
        core.addresses().add("pm1", "2001:db8:1::1/64");
        core.addresses().add("pm2", "2001:db8:2::1/64");
        core.neighbors().add(HOST, HOST_MAC, "pm0");
        core.neighbors().add(SERVICE, SERVICE_MAC, "pm1");
        core.neighbors().add(PEER, PEER_MAC, "pm2");
        core.routes().add(new RouteSpec(6, "fc00:2::/48", PEER, "pm2", 254, 1024, null, null, null));
        core.routes().add(sidRoute(END_SID, "pm0", "End", List.of()));
        core.routes().add(sidRoute(AM_SID, "pm0", "End.AM", List.of("nh6", SERVICE, "oif", "pm1", "iif", "pm1")));
        String mac0 = core.ports().get("pm0").mac();
        String mac1 = core.ports().get("pm1").mac();
        String mac2 = core.ports().get("pm2").mac();
        byte[] data = Packets.fill(32, 7);

        Probe toEnd = new Probe("End", "pm0", Packets.ethernet(mac0, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, END_SID).srh(1, END_SID, NEXT).udp(1, 2, data).bytes()), "pm2",
                Packets.ethernet(PEER_MAC, mac2, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, END_SID, NEXT).udp(1, 2, data).bytes()));
        // masquerading: SL 2 -> 1, DA = Segment List[0], hop limit -1, to the service
        Probe toService = new Probe("End.AM to the service", "pm0", Packets.ethernet(mac0, HOST_MAC, Packets.ETH_IPV6,
                am(AM_SID, 2, 64).bytes()), "pm1", Packets.ethernet(SERVICE_MAC, mac1, Packets.ETH_IPV6, am(LAST, 1, 63).bytes()));
        // de-masquerading: DA = Segment List[SL], hop limit -1 again, toward the next segment
        Probe fromService = new Probe("End.AM back from the service", "pm1", Packets.ethernet(mac1, SERVICE_MAC,
                Packets.ETH_IPV6, am(LAST, 1, 62).bytes()), "pm2",
                Packets.ethernet(PEER_MAC, mac2, Packets.ETH_IPV6, am(NEXT, 1, 61).bytes()));
        return new Topology(Map.of("End.AM", new Case("End.AM", ARTIFACT, Target.sids(AM_SID), null, List.of(toService),
                List.of(fromService), 1)), toEnd, p);
    }
}
