package org.srv6.appliance.itests.osgi;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for the binding-SID behaviors while traffic flows through memory ports: uninstalling the
 * bundle of End.B6, End.B6.Encaps or End.B6.Encaps.Red makes its SID inactive and its packets
 * counted as behavior-absent while the End SID and the other binding SIDs keep forwarding;
 * reinstalling it from the same location brings the SID back with its counters. A few cycles per
 * behavior, without holding or leaking a buffer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BindingSidHotSwapIT extends SidHotSwap {
    private static final String TUNSRC = "fc00:9::b6";

    @Test
    public void endB6() throws Exception {
        swap("End.B6");
    }

    @Test
    public void endB6Encaps() throws Exception {
        swap("End.B6.Encaps");
    }

    @Test
    public void endB6EncapsRed() throws Exception {
        swap("End.B6.Encaps.Red");
    }

    /**
     * The frame leaves its port as expected; the source MAC and the (outer) hop limit are the
     * router's (checked apart: the hop limit one less).
     */
    @Override
    void forwarded(String at, Probe p) throws Exception {
        butSourceMac(at, p, true);
    }

    @Override
    Topology topology() throws Exception {
        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-end-b6", "srv6-behavior-end-b6-encaps",
                "srv6-behavior-end-b6-encaps-red"), List.of("End", "End.B6", "End.B6.Encaps", "End.B6.Encaps.Red"));
        Core core = core(context);
        startPacketBuilder(context);

        Map<String, MemoryPort> p = hostPorts(core, "hs0", "hs1");
        core.sr().setTunnelSource(TUNSRC);
        String inMac = core.ports().get("hs0").mac();

        Map<String, Case> c = routeSids(core.routes(), "hs0",
                Case.sid("End.B6", "srv6-behavior-end-b6", "fc00:1::20", List.of("srh", "segs", "fc00:2::b1,fc00:2::b2"),
                        sid -> List.of(binding("End.B6.Insert", inMac, sid, advanced -> Packets.ipv6(HOST, "fc00:2::b1",
                                Packets.PROTO_ROUTING, 64, 0, Packets.srh(Packets.PROTO_ROUTING, 2, 0, 0,
                                        List.of(NEXT, "fc00:2::b2", "fc00:2::b1"), new byte[0], srhAndPayload(sid, 0)))))),
                Case.sid("End.B6.Encaps", "srv6-behavior-end-b6-encaps", "fc00:1::21",
                        List.of("srh", "segs", "fc00:2::c1,fc00:2::c2"),
                        sid -> List.of(binding("encapsulated", inMac, sid, advanced -> Packets.ipv6(TUNSRC, "fc00:2::c1",
                                Packets.PROTO_ROUTING, 64, 0, Packets.srh(Packets.PROTO_IPV6, 1, 0, 0,
                                        List.of("fc00:2::c2", "fc00:2::c1"), new byte[0], advanced))))),
                Case.sid("End.B6.Encaps.Red", "srv6-behavior-end-b6-encaps-red", "fc00:1::22",
                        List.of("srh", "segs", "fc00:2::d1,fc00:2::d2"),
                        sid -> List.of(binding("encapsulated, reduced SRH", inMac, sid, advanced -> Packets.ipv6(TUNSRC,
                                "fc00:2::d1", Packets.PROTO_ROUTING, 64, 0, Packets.srh(Packets.PROTO_IPV6, 1, 0, 0,
                                        List.of("fc00:2::d2"), new byte[0], advanced))))));
        core.routes().add(sidRoute(END_SID, "hs0", "End", List.of()));
        return new Topology(c, routed("End", inMac, END_SID, List.of(NEXT, END_SID), 1), p);
    }

    /** The SRH [NEXT, sid] at {@code sl} and 8 bytes of payload (no next header). */
    private static byte[] srhAndPayload(String sid, int sl) {
        return Packets.srh(Packets.PROTO_NONE, sl, 0, 0, List.of(NEXT, sid), new byte[0], Packets.fill(8, 5));
    }

    /**
     * Host → {@code sid} with SRH [NEXT, sid] at SL 1: {@code out} makes what leaves hs1 (hop limit
     * 64, one more than on the wire) from the packet after the End step (SL 0, DA NEXT).
     */
    private static Probe binding(String what, String inMac, String sid, Function<byte[], byte[]> out) {
        byte[] sent = Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, sid, Packets.PROTO_ROUTING, 64, 0, srhAndPayload(sid, 1)));
        byte[] advanced = Packets.ipv6(HOST, NEXT, Packets.PROTO_ROUTING, 64, 0, srhAndPayload(sid, 0));
        return new Probe(what + " (" + sid + ")", "hs0", sent, "hs1",
                Packets.ethernet(PEER6_MAC, inMac, Packets.ETH_IPV6, out.apply(advanced)));
    }
}
