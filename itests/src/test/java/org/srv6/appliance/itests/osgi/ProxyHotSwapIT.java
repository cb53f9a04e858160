package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for the SR proxies while traffic flows through memory ports: uninstalling the bundle of
 * End.AS or End.AD makes its SID inactive (its packets counted as behavior-absent, its service
 * port no longer claimed) while the other proxy keeps forwarding both ways; reinstalling it
 * brings the SID back with its counters. End.AD starts over with nothing learnt: what its service
 * sends back is dropped (proxy-not-learnt) until a packet to the SID was learnt, then flows.
 *
 * <p>ps0: the SR network in (HOST); ps1: towards the next segment NEXT (via PEER); pv: End.AS's
 * service (SVC_AS), pw: End.AD's service (SVC_AD), each port its SID's IFACE-OUT and IFACE-IN.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyHotSwapIT extends SidHotSwap {
    private static final String TUNSRC = "fc00:9::a5";
    private static final String SVC_AS = "2001:db8:5::2";
    private static final String SVC_AD = "2001:db8:6::2";
    private static final String SVC_MAC = "02:00:00:00:05:02";
    private static final String AS_SID = "fc00:1::a5";
    private static final String AD_SID = "fc00:1::ad";
    private static final byte[] NO_TLV = new byte[0];

    @Test
    public void endAs() throws Exception {
        swap("End.AS");
    }

    @Test
    public void endAd() throws Exception {
        swap("End.AD");
    }

    /** Equal frames but for the source MAC (the port's). */
    @Override
    void forwarded(String at, Probe p) throws Exception {
        butSourceMac(at, p, false);
    }

    /** End.AD starts over with nothing learnt: what its service sends back is dropped until it learnt again. */
    @Override
    void reinstalled(String at, Case c, Counters counters) throws Exception {
        if (c.keyword().equals("End.AD")) {
            long notLearnt = drops(counters, "proxy-not-learnt");
            Probe back = c.returns().get(0);
            port(back.in()).inject(back.frame());
            assertNull(at + "End.AD sent back before it learnt anything", port(back.out()).poll(200));
            waitFor(at + "proxy-not-learnt counted", 5_000, () -> drops(counters, "proxy-not-learnt") == notLearnt + 1);
        }
    }

    /** Drops what the unclaimed service port sent meanwhile (ICMP errors or neighbor traffic). */
    @Override
    void drain(Case c) throws InterruptedException {
        MemoryPort service = port(c.probes().get(0).out());
        while (service.poll(50) != null) {
            // nothing
        }
    }

    private static byte[] inner(int hl) {
        return Packets.ipv6("2001:db8:100::1", "2001:db8:200::1", Packets.PROTO_UDP, hl, 0, 0x3,
                Packets.udp("2001:db8:100::1", "2001:db8:200::1", 5, 6, Packets.fill(16, 7)));
    }

    /**
     * Each proxy's probe goes to its SID and on to its service (counted behavior-absent while it is
     * out); its return comes back from the service and goes on towards NEXT (its service port no
     * longer claimed while it is out).
     */
    @Override
    Topology topology() throws Exception {
        installBehaviors(context, List.of("srv6-behavior-end-as", "srv6-behavior-end-ad"), List.of("End.AS", "End.AD"));
        Core core = core(context);
        startPacketBuilder(context);

        Map<String, MemoryPort> p = core.memoryPorts("ps0", "ps1", "pv", "pw");
        core.addresses().add("ps0", "2001:db8:0::1/64");
        core.addresses().add("ps1", "2001:db8:1::1/64");
        core.addresses().add("pv", "2001:db8:5::1/64");
        core.addresses().add("pw", "2001:db8:6::1/64");
        core.neighbors().add(PEER6, PEER6_MAC, "ps1");
        core.neighbors().add(SVC_AS, SVC_MAC, "pv");
        core.neighbors().add(SVC_AD, SVC_MAC, "pw");
        core.routes().add(new RouteSpec(6, "fc00:2::/48", PEER6, "ps1", 254, 1024, null, null, null));
        String in = core.ports().get("ps0").mac();
        String ps1 = core.ports().get("ps1").mac();

        Map<String, Case> c = new LinkedHashMap<>();
        for (String[] k : new String[][] {{"End.AS", "srv6-behavior-end-as", AS_SID, "pv", SVC_AS},
                {"End.AD", "srv6-behavior-end-ad", AD_SID, "pw", SVC_AD}}) {
            String sid = k[2];
            String port = core.ports().get(k[3]).mac();
            List<String> params = k[0].equals("End.AS")
                    ? List.of("nh6", k[4], "oif", k[3], "iif", k[3], "src", TUNSRC, "segs", NEXT)
                    : List.of("nh6", k[4], "oif", k[3], "iif", k[3]);
            core.routes().add(sidRoute(sid, "ps0", k[0], params));
            byte[] toSid = Packets.ethernet(in, HOST_MAC, Packets.ETH_IPV6, Packets.ipv6(HOST, sid, 43, 64, 0, 0,
                    Packets.srh(41, 1, 0, 0, List.of(NEXT, sid), NO_TLV, inner(64))));
            byte[] toService = Packets.ethernet(SVC_MAC, port, Packets.ETH_IPV6, inner(63));
            byte[] back = Packets.ethernet(port, SVC_MAC, Packets.ETH_IPV6, inner(63));
            // End.AS: IPv6(src) + SRH(segs), SL 0 towards NEXT; End.AD: the learnt header after the End step
            byte[] outer = k[0].equals("End.AS")
                    ? Packets.ipv6(TUNSRC, NEXT, 43, 62, 0, 0x3, Packets.srh(41, 0, 0, 0, List.of(NEXT), NO_TLV, inner(63)))
                    : Packets.ipv6(HOST, NEXT, 43, 62, 0, 0x3,
                            Packets.srh(41, 0, 0, 0, List.of(NEXT, sid), NO_TLV, inner(63)));
            c.put(k[0], new Case(k[0], k[1], Target.sids(sid), params,
                    List.of(new Probe(k[0] + " to its service", "ps0", toSid, k[3], toService)),
                    List.of(new Probe(k[0] + " back into the policy", k[3], back, "ps1",
                            Packets.ethernet(PEER6_MAC, ps1, Packets.ETH_IPV6, outer))), 2));
        }
        SrService sr = core.sr();
        for (Case k : c.values()) {
            waitFor(k.keyword() + " SID active", 10_000, () -> k.target().all(sr, true));
        }
        return new Topology(c, null, p);
    }
}
