package org.srv6.appliance.itests.osgi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for End.BM (RFC 8986 §4.15) and End.S (draft-filsfils-spring-srv6-network-programming-06
 * §4.18) while traffic flows through memory ports: with its bundle uninstalled a SID is inactive,
 * its packets are counted as behavior-absent and nothing of them leaves, while End and the other
 * behavior keep forwarding; reinstalled from the same location it forwards again, byte for byte.
 * Under a stream of frames sent while the bundle goes and comes back every frame is either
 * forwarded or counted absent; an update (make-before-break) loses none. No buffer held or leaked.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MplsSearchHotSwapIT extends SidHotSwap {
    private static final String BM6_SID = "fc00:1::20";
    private static final String BM4_SID = "fc00:1::21";
    private static final String S_SID = "fc00:1::30";
    /** Routed in table 100 only: End.S's object that matches. */
    private static final String OBJECT_IN_TABLE = "2001:db8:100::5";
    /** Routed nowhere: End.S's object that does not match. */
    private static final String OBJECT_ELSEWHERE = "2001:db8:300::5";
    private static final int MPLS = 0x8847;

    @Test
    public void endBM() throws Exception {
        swap("End.BM");
    }

    @Test
    public void endS() throws Exception {
        swap("End.S");
    }

    /**
     * Under a stream of frames while the bundle goes and comes back, every frame forwarded or counted
     * absent; an update loses none.
     */
    @Override
    void afterCycles(Case c) throws Exception {
        underTraffic(c);
        updateLosesNothing(c, c.probes().get(0));
    }

    @Override
    Topology topology() throws Exception {
        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-end-bm", "srv6-behavior-end-s"),
                List.of("End", "End.BM", "End.S"));
        Core core = core(context);
        startPacketBuilder(context);

        Map<String, MemoryPort> p = hostPorts(core, "hs0", "hs1", "hs2");
        core.routes().add(new RouteSpec(6, "2001:db8:100::/64", PEER6, "hs1", TABLE, 1024, null, null, null));
        String inMac = core.ports().get("hs0").mac();
        String hs1 = core.ports().get("hs1").mac();
        String hs2 = core.ports().get("hs2").mac();
        byte[] data = Packets.fill(32, 7);

        Map<String, Case> c = new LinkedHashMap<>();
        // End.BM: SL 1 → 0, DA = NEXT, hop limit 63; labels 100/200 (TTL 63, S on 200) or 300
        c.put("End.BM", new Case("End.BM", "srv6-behavior-end-bm", Target.sids(BM6_SID, BM4_SID), null, List.of(
                new Probe("End.BM nh6", "hs0", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, BM6_SID).srh(1, BM6_SID, NEXT).udp(1, 2, data).bytes()), "hs1",
                        Packets.ethernet(PEER6_MAC, hs1, MPLS, Packets.cat(Packets.unhex("0006403f000c813f"),
                                Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, BM6_SID, NEXT).udp(1, 2, data).bytes()))),
                new Probe("End.BM nh4", "hs0", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, BM4_SID).srh(1, BM4_SID, NEXT).udp(1, 2, data).bytes()), "hs2",
                        Packets.ethernet(PEER4_MAC, hs2, MPLS, Packets.cat(Packets.unhex("0012c13f"),
                                Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, BM4_SID, NEXT).udp(1, 2, data).bytes())))), List.of(), 1));
        // End.S table 100: the object routed there → forwarded untouched but for the hop limit; else End
        c.put("End.S", new Case("End.S", "srv6-behavior-end-s", Target.sids(S_SID), null, List.of(
                new Probe("End.S match", "hs0", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, S_SID).srh(1, S_SID, OBJECT_IN_TABLE).udp(1, 2, data).bytes()), "hs1",
                        Packets.ethernet(PEER6_MAC, hs1, Packets.ETH_IPV6,
                                Packets.ipv6(HOST, S_SID).hopLimit(63).srh(1, S_SID, OBJECT_IN_TABLE).udp(1, 2, data).bytes())),
                new Probe("End.S no match", "hs0", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, S_SID).srh(2, S_SID, NEXT, OBJECT_ELSEWHERE).udp(1, 2, data).bytes()), "hs1",
                        Packets.ethernet(PEER6_MAC, hs1, Packets.ETH_IPV6,
                                Packets.ipv6(HOST, NEXT).hopLimit(63).srh(1, S_SID, NEXT, OBJECT_ELSEWHERE).udp(1, 2, data).bytes()))), List.of(), 1));

        core.routes().add(sidRoute(END_SID, "hs0", "End", List.of()));
        core.routes().add(sidRoute(BM6_SID, "hs0", "End.BM", List.of("mpls", "100/200", "nh6", PEER6)));
        core.routes().add(sidRoute(BM4_SID, "hs0", "End.BM", List.of("mpls", "300", "nh4", PEER4)));
        core.routes().add(sidRoute(S_SID, "hs0", "End.S", List.of("table", Integer.toString(TABLE))));
        Probe toEnd = new Probe("End", "hs0", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, END_SID).srh(1, END_SID, NEXT).udp(1, 2, data).bytes()), "hs1",
                Packets.ethernet(PEER6_MAC, hs1, Packets.ETH_IPV6,
                        Packets.ipv6(HOST, NEXT).hopLimit(63).srh(0, END_SID, NEXT).udp(1, 2, data).bytes()));
        return new Topology(c, toEnd, p);
    }
}
