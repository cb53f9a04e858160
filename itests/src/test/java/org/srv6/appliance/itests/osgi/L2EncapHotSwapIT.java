package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for H.Encaps.L2 ({@code l2encap}) and H.Encaps.L2.Red ({@code l2encap.red}) while
 * frames flow through memory ports: each is used by a steered port (every frame of ls0 or ls1)
 * and by a route ({@code encap seg6 mode ...}). Uninstalling a bundle makes its steering and its
 * route inactive, their frames counted as behavior-absent (nothing leaves), while the other
 * behavior and an End SID keep forwarding; reinstalling it brings both back with the exact frames.
 * An update of the bundle while frames keep coming is make-before-break: not one frame meets an
 * absent behavior or is lost.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class L2EncapHotSwapIT extends SidHotSwap {
    private static final String HOST = "2001:db8:3::2";
    private static final String HOST_MAC = "02:00:00:00:03:02";
    private static final String PEER = "2001:db8:2::2";
    private static final String PEER_MAC = "02:00:00:00:02:02";
    private static final String TUNSRC = "fc00:aa::1";

    @Test
    public void l2encap() throws Exception {
        swap("l2encap");
    }

    @Test
    public void l2encapRed() throws Exception {
        swap("l2encap.red");
    }

    /** An update under traffic is make-before-break: no frame meets an absent behavior, none is lost. */
    @Override
    void afterCycles(Case c) throws Exception {
        SrService sr = core(context).sr();
        String port = c.target().steered();
        long packetsBefore = steer(sr, port).packets();
        int sent = updateLosesNothing(c, c.probes().get(0));
        assertTrue(c.keyword() + " update: steering inactive", steer(sr, port).active());
        assertEquals(c.keyword() + " update: steering counters", packetsBefore + sent, steer(sr, port).packets());
    }

    @Override
    Topology topology() throws Exception {
        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-t-encaps-l2", "srv6-behavior-t-encaps-l2-red"),
                List.of("End", "l2encap", "l2encap.red"));
        Core core = core(context);
        startPacketBuilder(context);

        Map<String, MemoryPort> p = core.memoryPorts("ls0", "ls1", "ls2", "ls3");
        core.addresses().add("ls2", "2001:db8:2::1/64");
        core.addresses().add("ls3", "2001:db8:3::1/64");
        core.neighbors().add(PEER, PEER_MAC, "ls2");
        core.routes().add(new RouteSpec(6, "fc00:2::/48", PEER, "ls2", 254, 1024, null, null, null));
        core.sr().setTunnelSource(TUNSRC);
        core.routes().add(sidRoute(END_SID, "ls3", "End", List.of()));
        core.routes().add(new RouteSpec(6, "fc00:9:1::/64", null, "ls2", 254, 1024, RouteSpec.SEG6, "l2encap",
                List.of("segs", "fc00:2::11,fc00:2::12")));
        core.routes().add(new RouteSpec(6, "fc00:9:2::/64", null, "ls2", 254, 1024, RouteSpec.SEG6, "l2encap.red",
                List.of("segs", "fc00:2::21")));
        core.sr().addSteer("ls0", "l2encap", List.of("segs", "fc00:2::1,fc00:2::2"));
        core.sr().addSteer("ls1", "l2encap.red", List.of("segs", "fc00:2::3"));
        String outMac = core.ports().get("ls2").mac();
        String ls3Mac = core.ports().get("ls3").mac();

        byte[] arp = Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:a1", Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:00:a1", "10.5.0.1", "00:00:00:00:00:00", "10.5.0.2"));
        byte[] other = Packets.ethernet("02:00:00:00:00:b2", "02:00:00:00:00:b1", 0x88b5, Packets.fill(48, 6));
        byte[] routed1 = Packets.ethernet(ls3Mac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, "fc00:9:1::5").hopLimit(30).udp(7, 8, Packets.fill(16, 7)).bytes());
        byte[] routed2 = Packets.ethernet(ls3Mac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, "fc00:9:2::5").hopLimit(30).udp(7, 8, Packets.fill(16, 8)).bytes());

        Map<String, Case> c = new LinkedHashMap<>();
        c.put("l2encap", new Case("l2encap", "srv6-behavior-t-encaps-l2", Target.steering("ls0"), null, List.of(
                new Probe("ARP broadcast steered on ls0", "ls0", arp, "ls2", toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::1").srh(1, "fc00:2::1", "fc00:2::2").hopLimit(63)
                                .payload(143, arp).bytes())),
                new Probe("route fc00:9:1::/64", "ls3", routed1, "ls2", toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::11").srh(1, "fc00:2::11", "fc00:2::12").hopLimit(29)
                                .payload(143, routed1).bytes()))), List.of(), 2));
        c.put("l2encap.red", new Case("l2encap.red", "srv6-behavior-t-encaps-l2-red", Target.steering("ls1"), null, List.of(
                new Probe("0x88b5 frame to a foreign MAC steered on ls1", "ls1", other, "ls2", toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::3").hopLimit(63).payload(143, other).bytes())),
                new Probe("route fc00:9:2::/64", "ls3", routed2, "ls2", toPeer(outMac,
                        Packets.ipv6(TUNSRC, "fc00:2::21").hopLimit(29).payload(143, routed2).bytes()))), List.of(), 2));

        byte[] srh = Packets.cat(Packets.srh(1).segments("fc00:2::99", END_SID).bytes(Packets.PROTO_NONE),
                Packets.fill(8, 5));
        byte[] sent = Packets.ethernet(ls3Mac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, END_SID, Packets.PROTO_ROUTING, 64, 0, srh));
        byte[] srhAfter = Packets.cat(Packets.srh(0).segments("fc00:2::99", END_SID).bytes(Packets.PROTO_NONE),
                Packets.fill(8, 5));
        Probe toEnd = new Probe("End", "ls3", sent, "ls2",
                toPeer(outMac, Packets.ipv6(HOST, "fc00:2::99", Packets.PROTO_ROUTING, 63, 0, srhAfter)));
        return new Topology(c, toEnd, p);
    }

    private static byte[] toPeer(String outMac, byte[] ipv6) {
        return Packets.ethernet(PEER_MAC, outMac, Packets.ETH_IPV6, ipv6);
    }
}
