package org.srv6.appliance.itests.osgi;

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
 * SPEC §5 for the table and decapsulation behaviors while traffic flows through memory ports:
 * uninstalling the bundle of End.T, End.DT6, End.DT4, End.DT46, End.DX6, End.DX4 or End.DX2 makes
 * its SID inactive and its packets counted as behavior-absent while the End SID and the other
 * behaviors' SIDs keep forwarding; reinstalling it from the same location brings the SID back with
 * its counters. A few cycles per behavior, without holding or leaking a buffer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DecapHotSwapIT extends SidHotSwap {
    /** Routed in table 100 only: End.T's next segment. */
    private static final String NEXT_IN_TABLE = "fc00:3::1";

    @Test
    public void endT() throws Exception {
        swap("End.T");
    }

    @Test
    public void endDT6() throws Exception {
        swap("End.DT6");
    }

    @Test
    public void endDT4() throws Exception {
        swap("End.DT4");
    }

    @Test
    public void endDT46() throws Exception {
        swap("End.DT46");
    }

    @Test
    public void endDX6() throws Exception {
        swap("End.DX6");
    }

    @Test
    public void endDX4() throws Exception {
        swap("End.DX4");
    }

    @Test
    public void endDX2() throws Exception {
        swap("End.DX2");
    }

    /**
     * The frame leaves its port as expected; the source MAC, the hop limit or TTL and the IPv4
     * header checksum are the router's (checked apart: the hop limit or TTL one less). End.DX2's
     * inner frame leaves hs3 as is.
     */
    @Override
    void forwarded(String at, Probe p) throws Exception {
        if (p.out().equals("hs3")) {
            exactly(at, p);
        } else {
            butSourceMac(at, p, true);
        }
    }

    @Override
    Topology topology() throws Exception {
        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-end-t", "srv6-behavior-end-dt6",
                "srv6-behavior-end-dt4", "srv6-behavior-end-dt46", "srv6-behavior-end-dx6", "srv6-behavior-end-dx4",
                "srv6-behavior-end-dx2"), List.of("End", "End.T", "End.DT6", "End.DT4", "End.DT46", "End.DX6", "End.DX4",
                        "End.DX2"));
        Core core = core(context);
        startPacketBuilder(context);

        Map<String, MemoryPort> p = hostPorts(core, "hs0", "hs1", "hs2", "hs3");
        core.routes().add(new RouteSpec(6, "fc00:3::/48", PEER6, "hs1", TABLE, 1024, null, null, null));
        core.routes().add(new RouteSpec(6, "2001:db8:100::/64", PEER6, "hs1", TABLE, 1024, null, null, null));
        core.routes().add(new RouteSpec(4, "10.100.0.0/16", PEER4, "hs2", TABLE, 0, null, null, null));
        String inMac = core.ports().get("hs0").mac();

        String table = Integer.toString(TABLE);
        byte[] v6 = Packets.ipv6(HOST, "2001:db8:100::5").hopLimit(64).udp(1000, 2000, Packets.fill(32, 1)).bytes();
        byte[] v4 = Packets.ipv4("10.9.0.2", "10.100.0.5").ttl(64).udp(1000, 2000, Packets.fill(32, 2)).bytes();
        byte[] v6Far = Packets.ipv6(HOST, "2001:db8:200::5").hopLimit(64).udp(1000, 2000, Packets.fill(32, 3)).bytes();
        byte[] v4Far = Packets.ipv4("10.9.0.2", "10.200.0.5").ttl(64).udp(1000, 2000, Packets.fill(32, 4)).bytes();
        byte[] l2 = Packets.ethernet("02:00:00:00:03:02", "02:00:00:00:03:01", Packets.ETH_ARP,
                Packets.arp(1, "02:00:00:00:03:01", "10.3.0.1", "00:00:00:00:00:00", "10.3.0.2"));

        Map<String, Case> c = routeSids(core.routes(), "hs0",
                Case.sid("End.T", "srv6-behavior-end-t", "fc00:1::10", List.of("table", table), sid -> List.of(
                        routed("next segment in table " + TABLE, inMac, sid, List.of(NEXT_IN_TABLE, sid), 1))),
                Case.sid("End.DT6", "srv6-behavior-end-dt6", "fc00:1::11", List.of("table", table), sid -> List.of(
                        decap("IPv6 inner", inMac, sid, Packets.PROTO_IPV6, v6, "hs1", PEER6_MAC, Packets.ETH_IPV6))),
                Case.sid("End.DT4", "srv6-behavior-end-dt4", "fc00:1::12", List.of("table", table), sid -> List.of(
                        decap("IPv4 inner", inMac, sid, Packets.PROTO_IPV4, v4, "hs2", PEER4_MAC, Packets.ETH_IPV4))),
                Case.sid("End.DT46", "srv6-behavior-end-dt46", "fc00:1::13", List.of("table", table), sid -> List.of(
                        decap("IPv6 inner", inMac, sid, Packets.PROTO_IPV6, v6, "hs1", PEER6_MAC, Packets.ETH_IPV6),
                        decap("IPv4 inner", inMac, sid, Packets.PROTO_IPV4, v4, "hs2", PEER4_MAC, Packets.ETH_IPV4))),
                Case.sid("End.DX6", "srv6-behavior-end-dx6", "fc00:1::14", List.of("nh6", PEER6), sid -> List.of(
                        decap("IPv6 inner", inMac, sid, Packets.PROTO_IPV6, v6Far, "hs1", PEER6_MAC, Packets.ETH_IPV6))),
                Case.sid("End.DX4", "srv6-behavior-end-dx4", "fc00:1::15", List.of("nh4", PEER4), sid -> List.of(
                        decap("IPv4 inner", inMac, sid, Packets.PROTO_IPV4, v4Far, "hs2", PEER4_MAC, Packets.ETH_IPV4))),
                Case.sid("End.DX2", "srv6-behavior-end-dx2", "fc00:1::16", List.of("oif", "hs3"), sid -> List.of(
                        new Probe("Ethernet inner", "hs0", outer(inMac, sid, 143, l2), "hs3", l2))));
        core.routes().add(sidRoute(END_SID, "hs0", "End", List.of()));
        return new Topology(c, routed("End", inMac, END_SID, List.of(NEXT, END_SID), 1), p);
    }

    /** Host → {@code sid} with an SRH [sid] SL 0 and {@code inner}: decapsulated, out of {@code port} to {@code mac}. */
    private static Probe decap(String what, String inMac, String sid, int proto, byte[] inner, String port, String mac,
            int etherType) {
        return new Probe(what, "hs0", outer(inMac, sid, proto, inner), port, Packets.ethernet(mac, inMac, etherType, inner));
    }

    private static byte[] outer(String inMac, String sid, int proto, byte[] inner) {
        byte[] srh = Packets.cat(Packets.srh(0).segments(sid).bytes(proto), inner);
        return Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6,
                Packets.ipv6(HOST, sid, Packets.PROTO_ROUTING, 64, 0, srh));
    }
}
