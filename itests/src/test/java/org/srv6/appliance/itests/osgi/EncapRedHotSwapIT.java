package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 for the transit mode encap.red (H.Encaps.Red) while traffic flows through memory
 * ports: a sender thread keeps injecting packets steered into encap.red (IPv6 payload with route
 * tunsrc, IPv4 payload with hmac), into encap and to an End SID while the encap.red bundle is
 * uninstalled and installed again, a few cycles. Its routes become inactive and their packets are
 * counted as behavior-absent; the others keep forwarding; after reinstalling, the routes come
 * back from their stored text. At the end every packet is accounted for: each encap.red packet left
 * hs1 with the exact bytes of RFC 8986 §5.2 (HMAC computed here with javax.crypto.Mac) or was
 * counted behavior-absent; every encap and End packet left hs1; no buffer held or leaked.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncapRedHotSwapIT extends SidHotSwap {
    private static final int CYCLES = 3;
    /** Packets the sender must get through while the bundle is out, and while it is back, each cycle. */
    private static final int PER_PHASE = 30;
    private static final String ARTIFACT = "srv6-behavior-t-encaps-red";
    private static final String RED6 = "2001:db8:60::/64";
    private static final String RED4 = "10.60.0.0/24";
    private static final String ENCAP6 = "2001:db8:50::/64";
    private static final String TUNSRC = "fc00:aa::60";
    private static final String HS1_ADDR = "2001:db8:1::1";
    private static final List<String> SEGS6 = List.of("fc00:2::60:1", "fc00:2::60:2");
    private static final List<String> SEGS4 = List.of("fc00:2::61:1", "fc00:2::61:2", "fc00:2::61:3");
    private static final int KEY = 60;
    private static final String SECRET = "hot-swap-secret";

    /** A frame the sender injects and the frame that must leave hs1 for it. */
    private record Flow(String what, byte[] frame, byte[] expected) {
    }

    private static RouteInfo route(RouteService routes, int family, String prefix) {
        for (RouteInfo r : routes.list(family, 254)) {
            if (r.spec().prefix().equals(prefix)) {
                return r;
            }
        }
        return null;
    }

    private static byte[] hmacTlv(String src, List<String> list0First) throws Exception {
        byte[] text = Packets.cat(Packets.ip6(src), Packets.bytes(list0First.size() - 1, 0x08), Packets.u32(KEY));
        for (String s : list0First) {
            text = Packets.cat(text, Packets.ip6(s));
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Packets.cat(Packets.bytes(5, 38, 0, 0), Packets.u32(KEY), mac.doFinal(text));
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        Collections.reverse(r);
        return r;
    }

    @Test
    public void encapRedSwapsUnderTraffic() throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-t-encaps", ARTIFACT),
                List.of("End", "encap", "encap.red"));
        Core core = core(context);
        RouteService routes = core.routes();
        Counters counters = core.counters();
        startPacketBuilder(context);

        Map<String, MemoryPort> ports = hostPorts(core, "hs0", "hs1"); // hs1 is HS1_ADDR/64
        MemoryPort in = ports.get("hs0");
        MemoryPort out = ports.get("hs1");
        core.addresses().add("hs0", "10.9.0.1/24");
        core.sr().setHmacKey(KEY, "sha256", SECRET);
        routes.add(sidRoute(END_SID, "hs0", "End", List.of()));
        routes.add(new RouteSpec(6, ENCAP6, null, "hs1", 254, 1024, RouteSpec.SEG6, "encap",
                List.of("segs", "fc00:2::50:1")));
        routes.add(new RouteSpec(6, RED6, null, "hs1", 254, 1024, RouteSpec.SEG6, "encap.red",
                List.of("tunsrc", TUNSRC, "segs", String.join(",", SEGS6))));
        routes.add(new RouteSpec(4, RED4, null, "hs1", 254, 0, RouteSpec.SEG6, "encap.red",
                List.of("segs", String.join(",", SEGS4), "hmac", Integer.toString(KEY))));
        String inMac = core.ports().get("hs0").mac();
        String outMac = core.ports().get("hs1").mac();

        byte[] v6 = Packets.ipv6(HOST, "2001:db8:60::5").trafficClass(0x28).flowLabel(0x60606).hopLimit(64)
                .udp(1000, 2000, Packets.fill(32, 1)).bytes();
        byte[] v4 = Packets.ipv4("10.9.0.2", "10.60.0.5").ttl(64).udp(1000, 2000, Packets.fill(32, 2)).bytes();
        byte[] e6 = Packets.ipv6(HOST, "2001:db8:50::5").hopLimit(30).udp(1000, 2000, Packets.fill(32, 3)).bytes();
        Flow red6 = new Flow("encap.red IPv6", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6, v6),
                Packets.ethernet(PEER6_MAC, outMac, Packets.ETH_IPV6, Packets.ipv6(TUNSRC, SEGS6.get(0), 43, 63, 0x28, 0x60606,
                        Packets.srh(41, 1, 0, 0, List.of(SEGS6.get(1)), new byte[0], v6))));
        List<String> list4 = reversed(SEGS4.subList(1, 3));
        Flow red4 = new Flow("encap.red IPv4 hmac", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV4, v4),
                Packets.ethernet(PEER6_MAC, outMac, Packets.ETH_IPV6, Packets.ipv6(HS1_ADDR, SEGS4.get(0), 43, 63, 0, 0,
                        Packets.srh(4, 2, 0x08, 0, list4, hmacTlv(HS1_ADDR, list4), v4))));
        Flow encap = new Flow("encap IPv6", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6, e6),
                Packets.ethernet(PEER6_MAC, outMac, Packets.ETH_IPV6, Packets.ipv6(HS1_ADDR, "fc00:2::50:1", 43, 29, 0, 0,
                        Packets.srh(41, 0, 0, 0, List.of("fc00:2::50:1"), new byte[0], e6))));
        byte[] srh = Packets.cat(Packets.srh(1).segments(NEXT, END_SID).bytes(Packets.PROTO_NONE), Packets.fill(8, 5));
        byte[] toEnd = Packets.ipv6(HOST, END_SID, Packets.PROTO_ROUTING, 64, 0, srh);
        byte[] fromEnd = toEnd.clone();
        System.arraycopy(Packets.ip6(NEXT), 0, fromEnd, 24, 16);
        fromEnd[7] = 63;
        fromEnd[43] = 0;
        Flow end = new Flow("End", Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6, toEnd),
                Packets.ethernet(PEER6_MAC, outMac, Packets.ETH_IPV6, fromEnd));
        List<Flow> flows = List.of(red6, red4, encap, end);

        // every flow forwards before the swap
        for (Flow f : flows) {
            in.inject(f.frame());
            byte[] got = out.poll(2_000);
            assertNotNull(f.what() + ": nothing left hs1", got);
            assertEquals(f.what(), Packets.hex(f.expected()), Packets.hex(got));
        }
        long redPacketsBefore = route(routes, 6, RED6).packets() + route(routes, 4, RED4).packets();
        long absentBefore = absent(counters);

        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread sender = new Thread(() -> {
            try {
                while (!stop.get()) {
                    for (Flow f : flows) {
                        in.inject(f.frame());
                    }
                    sent.incrementAndGet();
                    Thread.sleep(1);
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "encap.red traffic");
        sender.start();
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                String at = "cycle " + cycle + ": ";
                Bundle b = bundleNamed(context, ARTIFACT);
                assertNotNull(at + "no bundle " + ARTIFACT, b);
                String location = b.getLocation();
                b.uninstall();
                waitFor(at + "encap.red routes inactive", 10_000,
                        () -> !route(routes, 6, RED6).active() && !route(routes, 4, RED4).active());
                assertTrue(at + "encap stays active", route(routes, 6, ENCAP6).active());
                long mark = sent.get();
                waitFor(at + "traffic while absent", 10_000, () -> sent.get() >= mark + PER_PHASE);

                b = context.installBundle(location);
                b.start();
                assertEquals(at + "reinstalled under another name", ARTIFACT, b.getSymbolicName());
                waitFor(at + "encap.red routes active again", 10_000,
                        () -> route(routes, 6, RED6).active() && route(routes, 4, RED4).active());
                long back = sent.get();
                waitFor(at + "traffic while back", 10_000, () -> sent.get() >= back + PER_PHASE);
            }
        } finally {
            stop.set(true);
            sender.join(10_000);
        }
        assertNull("the sender failed: " + failed.get(), failed.get());

        // every packet accounted for: forwarded with the right bytes, or counted behavior-absent
        long rounds = sent.get();
        long[] ok = new long[flows.size()];
        List<String> wrong = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            long absent = absent(counters) - absentBefore;
            if (ok[0] + ok[1] + absent == 2 * rounds && ok[2] == rounds && ok[3] == rounds) {
                break;
            }
            byte[] got = out.poll(200);
            if (got == null) {
                continue;
            }
            int i = 0;
            while (i < flows.size() && !Arrays.equals(flows.get(i).expected(), got)) {
                i++;
            }
            if (i == flows.size()) {
                wrong.add(Packets.hex(got));
            } else {
                ok[i]++;
            }
        }
        long absent = absent(counters) - absentBefore;
        System.out.println("encap.red hot swap: " + rounds + " rounds of 4 packets, encap.red forwarded "
                + (ok[0] + ok[1]) + " and behavior-absent " + absent + " of " + 2 * rounds + ", encap " + ok[2]
                + ", End " + ok[3]);
        assertEquals("frames that match no flow", List.of(), wrong);
        assertEquals("encap packets forwarded while encap.red came and went", rounds, ok[2]);
        assertEquals("End packets forwarded while encap.red came and went", rounds, ok[3]);
        assertTrue("some encap.red packets were counted behavior-absent: " + absent, absent >= CYCLES * PER_PHASE);
        assertTrue("some encap.red packets were forwarded after reinstalling: " + Arrays.toString(ok),
                ok[0] >= CYCLES * PER_PHASE / 2 && ok[1] >= CYCLES * PER_PHASE / 2);
        assertEquals("encap.red packets: forwarded + behavior-absent = sent; forwarded " + Arrays.toString(ok)
                + ", absent " + absent, 2 * rounds, ok[0] + ok[1] + absent);
        assertEquals("nothing else left hs1", 0, out.pending());
        long redPackets = route(routes, 6, RED6).packets() + route(routes, 4, RED4).packets();
        assertTrue("encap.red route counters survive the swaps: " + redPacketsBefore + " -> " + redPackets,
                redPackets >= redPacketsBefore + ok[0] + ok[1]);

        assertNoLeaks(counters, () -> {
            in.inject(red4.frame());
            assertEquals("encap.red after the swaps", Packets.hex(red4.expected()), Packets.hex(out.poll(2_000)));
        });
    }
}
