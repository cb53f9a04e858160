package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * SPEC §5 while traffic flows through memory ports: removing the End.X bundle makes its SID
 * inactive and its packets counted as behavior-absent, the End SID never stops, reinstalling
 * brings End.X back with its counters; twenty times, without holding or leaking a buffer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends SidHotSwap {
    private static final String END_SID = "fc00:1::1";
    private static final String END_X_SID = "fc00:1::2";
    private static final String NEXT = "fc00:2::1";
    private static final String PEER = "2001:db8:1::2";
    private static final byte[] PEER_MAC = {0x02, 0, 0, 0, 0x01, 0x02};
    private static final byte[] HOST_MAC = {0x02, 0, 0, 0, 0x00, 0x02};
    private static final int CYCLES = 20;

    @Test
    public void endXComesAndGoesWhileEndKeepsForwarding() throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));

        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-end-x"), List.of("End", "End.X"));
        Core core = core(context);
        PortService ports = core.ports();
        AddressService addresses = core.addresses();
        RouteService routes = core.routes();
        NeighborService neighbors = core.neighbors();
        SrService sr = core.sr();
        Counters counters = core.counters();
        Bundle endX = bundleNamed(context, "srv6-behavior-end-x");
        String endXLocation = endX.getLocation();

        MemoryPort in = ports.addMemory("hs0");
        MemoryPort out = ports.addMemory("hs1");
        ports.setUp("hs0", true);
        ports.setUp("hs1", true);
        addresses.add("hs0", "2001:db8:0::1/64");
        addresses.add("hs1", "2001:db8:1::1/64");
        neighbors.add(PEER, "02:00:00:00:01:02", "hs1");
        routes.add(new RouteSpec(6, "fc00:2::/48", PEER, "hs1", 254, 1024, null, null, null));
        routes.add(new RouteSpec(6, END_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End", List.of()));
        routes.add(new RouteSpec(6, END_X_SID + "/128", null, "hs0", 254, 1024, RouteSpec.SEG6LOCAL, "End.X",
                List.of("nh6", PEER)));
        byte[] inMac = mac(ports.get("hs0"));

        byte[] toEnd = frame(inMac, END_SID);
        byte[] toEndX = frame(inMac, END_X_SID);

        assertForwarded(in, out, toEnd);
        assertForwarded(in, out, toEndX);

        long absent = counters.drops().get("behavior-absent");
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            long endXPackets = sid(sr, END_X_SID).packets();

            endX.uninstall();
            waitFor("End.X SID inactive", 10_000, () -> !sid(sr, END_X_SID).active());
            assertTrue("End SID must stay active", sid(sr, END_SID).active());
            in.inject(toEndX);
            assertNull("cycle " + cycle + ": a packet to an inactive SID left the appliance", out.poll(200));
            final long before = absent;
            waitFor("behavior-absent drop counted", 5_000, () -> counters.drops().get("behavior-absent") == before + 1);
            absent++;
            assertForwarded(in, out, toEnd);

            endX = context.installBundle(endXLocation);
            endX.start();
            waitFor("End.X SID active again", 10_000, () -> sid(sr, END_X_SID).active());
            assertForwarded(in, out, toEndX);
            assertTrue("cycle " + cycle + ": End.X counters restarted", sid(sr, END_X_SID).packets() >= endXPackets + 1);
        }

        // An update swaps make-before-break: traffic sent while the bundle is updated never meets an absent behavior.
        long absentBeforeUpdate = counters.drops().get("behavior-absent");
        long endXBeforeUpdate = sid(sr, END_X_SID).packets();
        int sent = sendWhile(20, () -> in.inject(toEndX), endX::update);
        for (int i = 0; i < sent; i++) {
            assertNotNull("update: frame " + i + " of " + sent + " was lost", out.poll(2_000));
        }
        assertEquals("update: packets met an absent End.X", absentBeforeUpdate,
                (long) counters.drops().get("behavior-absent"));
        assertTrue("update: End.X SID inactive", sid(sr, END_X_SID).active());
        assertEquals("update: End.X counters", endXBeforeUpdate + sent, sid(sr, END_X_SID).packets());

        assertNoLeaks(counters, () -> assertForwarded(in, out, toEnd));
    }

    /** The frame sent to hs1: DA rewritten to the next segment, SL 0, hop limit one less. */
    private static void assertForwarded(MemoryPort in, MemoryPort out, byte[] frame) throws Exception {
        in.inject(frame);
        byte[] got = out.poll(2_000);
        assertNotNull("no frame left hs1 for " + hex(Arrays.copyOfRange(frame, 38, 54)), got);
        assertEquals(frame.length, got.length);
        assertArrayEquals("destination MAC", PEER_MAC, Arrays.copyOfRange(got, 0, 6));
        assertEquals("hop limit", 63, got[21] & 0xff);
        assertArrayEquals("destination address", InetAddress.getByName(NEXT).getAddress(), Arrays.copyOfRange(got, 38, 54));
        assertEquals("segments left", 0, got[57] & 0xff);
        // the rest of the IPv6 header, the SRH segment list and the payload are untouched
        assertArrayEquals(Arrays.copyOfRange(frame, 14, 21), Arrays.copyOfRange(got, 14, 21));
        assertArrayEquals(Arrays.copyOfRange(frame, 22, 38), Arrays.copyOfRange(got, 22, 38));
        assertArrayEquals(Arrays.copyOfRange(frame, 58, frame.length), Arrays.copyOfRange(got, 58, got.length));
    }

    /** Ethernet + IPv6 (2001:db8::2 → sid, hop limit 64) + SRH [NEXT, sid] SL 1 + 8 octets without next header. */
    private static byte[] frame(byte[] dstMac, String sid) throws Exception {
        byte[] f = new byte[14 + 40 + 40 + 8];
        System.arraycopy(dstMac, 0, f, 0, 6);
        System.arraycopy(HOST_MAC, 0, f, 6, 6);
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        f[14] = 0x60;
        int payload = 40 + 8;
        f[18] = (byte) (payload >> 8);
        f[19] = (byte) payload;
        f[20] = 43;
        f[21] = 64;
        System.arraycopy(InetAddress.getByName("2001:db8::2").getAddress(), 0, f, 22, 16);
        System.arraycopy(InetAddress.getByName(sid).getAddress(), 0, f, 38, 16);
        f[54] = 59;
        f[55] = 4;
        f[56] = 4;
        f[57] = 1;
        f[58] = 1;
        System.arraycopy(InetAddress.getByName(NEXT).getAddress(), 0, f, 62, 16);
        System.arraycopy(InetAddress.getByName(sid).getAddress(), 0, f, 78, 16);
        for (int i = 94; i < f.length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
