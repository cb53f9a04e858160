package org.srv6.appliance.core.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.junit.Test;
import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;
import org.srv6.appliance.core.internal.io.RateLimiter;
import org.srv6.appliance.testkit.Packets;

/** The path a multipath route gives a packet: by weight, the same for a flow, never a dead port's. */
public class MultipathTest {
    private static final long MAC1 = 0x02_00_00_00_00_01L;
    private static final long MAC2 = 0x02_00_00_00_00_02L;
    private static final long MAC3 = 0x02_00_00_00_00_03L;

    private final EngineRig.SinkPort p1 = new EngineRig.SinkPort(1, "p1", MAC1);
    private final EngineRig.SinkPort p2 = new EngineRig.SinkPort(2, "p2", MAC2);
    private final EngineRig.SinkPort p3 = new EngineRig.SinkPort(3, "p3", MAC3);
    private final Tables tables = tables();

    @SuppressWarnings("unchecked")
    private Tables tables() {
        long[] none = new long[0];
        PortState[] ports = new PortState[4];
        EngineRig.SinkPort[] io = {null, p1, p2, p3};
        for (int i = 1; i < 4; i++) {
            ports[i] = new PortState(io[i], none, none, new int[0], PortState.LINK_LOCAL_HI,
                    PortState.linkLocalLo(io[i].mac()), new int[0], new int[0], Tables.MAIN, null, 0,
                    new RateLimiter(-1));
        }
        return new Tables(ports, new int[] {Tables.MAIN}, new Fib6[] {new Fib6<Route>()}, new int[] {Tables.MAIN},
                new Fib4[] {new Fib4<Route>()});
    }

    private static Multipath paths(int... weights) {
        int n = weights.length;
        int[] ports = new int[n];
        long[] lo = new long[n];
        for (int i = 0; i < n; i++) {
            ports[i] = i + 1;
            lo[i] = i + 2;
        }
        return new Multipath(ports, new boolean[n], new long[n], lo, new int[n], weights);
    }

    /** A UDP packet of flow {@code i}: source fc00:1::i, flow label {@code label}. */
    private static ByteBuf packet6(int i, int label) {
        String src = "fc00:1::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff);
        return Unpooled.wrappedBuffer(Packets.ipv6(src, "fc00:99::1", Packets.PROTO_UDP, 64, label, new byte[8]));
    }

    private static int flow6(int i, int label) {
        return Multipath.hash6(packet6(i, label), 0);
    }

    @Test
    public void weightsOneToThreeShareTheFlowsAQuarterToThreeQuarters() {
        Multipath m = paths(1, 3);
        int flows = 40_000;
        int[] n = new int[2];
        for (int i = 0; i < flows; i++) {
            n[m.select(flow6(i, 0), tables)]++;
        }
        double first = n[0] / (double) flows;
        assertTrue("share of weight 1: " + first, Math.abs(first - 0.25) < 0.015);
    }

    @Test
    public void equalWeightsShareTheFlowsEvenlyOverThreePathsAndIpv4TooByItsAddresses() {
        Multipath m = paths(1, 1, 1);
        int flows = 30_000;
        int[] n = new int[3];
        for (int i = 0; i < flows; i++) {
            ByteBuf b = Unpooled.wrappedBuffer(Packets.ipv4(0x0a00_0000 + i, 0x0a63_0001)
                    .payload(Packets.PROTO_UDP, new byte[8]).bytes());
            n[m.select(Multipath.hash4(b, 0), tables)]++;
        }
        for (int c : n) {
            assertTrue("shares " + n[0] + "/" + n[1] + "/" + n[2], Math.abs(c / (double) flows - 1 / 3.0) < 0.015);
        }
    }

    @Test
    public void thePathBoundsCoverTheWholeHashSpaceInProportionToTheWeights() {
        Multipath m = paths(1, 3);
        assertEquals(0, m.pick(0));
        assertEquals(0, m.pick((1 << 29) - 1));
        assertEquals(1, m.pick(1 << 29));
        assertEquals(1, m.pick(Integer.MAX_VALUE));
        Multipath w = paths(256, 1);
        assertEquals(1, w.pick(Integer.MAX_VALUE));
        assertEquals(0, w.pick(Integer.MAX_VALUE - (Integer.MAX_VALUE / 257) - 2));
    }

    @Test
    public void aFlowAlwaysTakesTheSamePathAndItsFlowLabelIsPartOfIt() {
        Multipath m = paths(1, 1);
        int changed = 0;
        for (int i = 0; i < 1000; i++) {
            int h = flow6(i, 0x12345);
            assertEquals(h, flow6(i, 0x12345));
            assertEquals(m.select(h, tables), m.select(flow6(i, 0x12345), tables));
            if (flow6(i, 0x12345) != flow6(i, 0x12346)) {
                changed++;
            }
        }
        assertEquals(1000, changed);
        // the hop limit is not part of the flow: it changes at every router
        ByteBuf a = Unpooled.wrappedBuffer(Packets.ipv6("fc00:1::1", "fc00:99::1", Packets.PROTO_UDP, 64, 7, new byte[8]));
        ByteBuf b = Unpooled.wrappedBuffer(Packets.ipv6("fc00:1::1", "fc00:99::1", Packets.PROTO_UDP, 3, 7, new byte[8]));
        assertEquals(Multipath.hash6(a, 0), Multipath.hash6(b, 0));
        ByteBuf c = Unpooled.wrappedBuffer(Packets.ipv6("fc00:1::1", "fc00:99::1", Packets.PROTO_ICMPV6, 64, 7, new byte[8]));
        assertNotEquals(Multipath.hash6(a, 0), Multipath.hash6(c, 0));
    }

    @Test
    public void aPathWhosePortIsDownIsPassedOverForTheNextLiveOne() {
        Multipath m = paths(1, 1, 1);
        p2.up(false);
        int[] n = new int[3];
        for (int i = 0; i < 3000; i++) {
            int h = flow6(i, 0);
            int chosen = m.select(h, tables);
            n[chosen]++;
            int fallsOn = m.pick(h);
            assertEquals(fallsOn == 1 ? 2 : fallsOn, chosen);
        }
        assertEquals(0, n[1]);
        p3.up(false);
        for (int i = 0; i < 300; i++) {
            assertEquals(0, m.select(flow6(i, 0), tables));
        }
        p1.up(false);
        int h = flow6(5, 0);
        assertEquals("all down: the path it falls on (the forwarder drops it)", m.pick(h), m.select(h, tables));
    }

    @Test
    public void aPathOfAnAbsentPortIsPassedOver() {
        Multipath m = new Multipath(new int[] {9, 1}, new boolean[2], new long[2], new long[2], new int[2],
                new int[] {200, 1});
        for (int i = 0; i < 100; i++) {
            assertEquals(1, m.select(flow6(i, 0), tables));
        }
    }

    @Test
    public void aWeightOutside1To256OrASinglePathIsRefused() {
        for (int[] w : new int[][] {{0, 1}, {1, 257}}) {
            try {
                paths(w);
                fail("accepted weights " + w[0] + "," + w[1]);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("weight "));
            }
        }
        try {
            paths(1);
            fail("accepted one path");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("a multipath route has two paths"));
        }
    }

    @Test
    public void aBehaviorsPacketIsHashedByItsOwnVersionAndAnythingElseIsZero() {
        ByteBuf v6 = packet6(3, 9);
        assertEquals(Multipath.hash6(v6, 0), Multipath.hash(v6, 0));
        ByteBuf v4 = Unpooled.wrappedBuffer(Packets.ipv4(0x0a00_0001, 0x0a63_0001).payload(Packets.PROTO_UDP,
                new byte[8]).bytes());
        assertEquals(Multipath.hash4(v4, 0), Multipath.hash(v4, 0));
        assertEquals(0, Multipath.hash(Unpooled.wrappedBuffer(new byte[64]), 0));
        assertEquals("an IPv6 header cut short", 0, Multipath.hash(v6.copy(0, 30), 0));
    }
}
