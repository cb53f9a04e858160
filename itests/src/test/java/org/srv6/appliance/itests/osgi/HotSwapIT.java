package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.testkit.Packets;

/**
 * SPEC §5 while traffic flows through memory ports: removing the End.X bundle makes its SID
 * inactive and its packets counted as behavior-absent, the End SID never stops, reinstalling
 * brings End.X back with its counters; twenty times, without holding or leaking a buffer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends SidHotSwap {
    private static final String END_X_SID = "fc00:1::2";
    private static final byte[] PEER_MAC = {0x02, 0, 0, 0, 0x01, 0x02};
    private static final int SWAPS = 20;

    @Test
    public void endXComesAndGoesWhileEndKeepsForwarding() throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));

        installBehaviors(context, List.of("srv6-behavior-end", "srv6-behavior-end-x"), List.of("End", "End.X"));
        Core core = core(context);
        SrService sr = core.sr();
        Counters counters = core.counters();
        startPacketBuilder(context);
        Bundle endX = bundleNamed(context, "srv6-behavior-end-x");
        String endXLocation = endX.getLocation();

        Map<String, MemoryPort> ports = hostPorts(core, "hs0", "hs1");
        MemoryPort in = ports.get("hs0");
        MemoryPort out = ports.get("hs1");
        core.routes().add(sidRoute(END_SID, "hs0", "End", List.of()));
        core.routes().add(sidRoute(END_X_SID, "hs0", "End.X", List.of("nh6", PEER6)));
        String inMac = core.ports().get("hs0").mac();

        byte[] toEnd = routed("End", inMac, END_SID, List.of(NEXT, END_SID), 1).frame();
        byte[] toEndX = routed("End.X", inMac, END_X_SID, List.of(NEXT, END_X_SID), 1).frame();

        assertForwarded(in, out, toEnd);
        assertForwarded(in, out, toEndX);

        long absent = counters.drops().get("behavior-absent");
        for (int cycle = 0; cycle < SWAPS; cycle++) {
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
        assertNotNull("no frame left hs1 for " + Packets.hex(Arrays.copyOfRange(frame, 38, 54)), got);
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
}
