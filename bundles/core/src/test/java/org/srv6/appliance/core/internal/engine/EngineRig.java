package org.srv6.appliance.core.internal.engine;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.RateLimiter;
import org.srv6.appliance.testkit.Packets;

/**
 * An engine on a real runtime with two sink ports and no control plane, for tests of the stages:
 *
 * <pre>
 *   host 10.0.0.2 ── in (1) [10.0.0.1/24]   out (2) [10.1.0.1/24] ── 10.1.0.0/24
 *                                           SID fc00::7 (a test instance)
 * </pre>
 * Frames are unpooled, so a test can check that each one was released (refCnt 0).
 */
final class EngineRig implements AutoCloseable {
    static final long IN_MAC = 0x02_00_00_00_00_01L;
    static final long OUT_MAC = 0x02_00_00_00_00_02L;
    static final long HOST_MAC = 0x02_00_00_00_00_0aL;
    static final int IN_ADDR = 0x0a_00_00_01;
    static final int HOST = 0x0a_00_00_02;
    static final int OUT_ADDR = 0x0a_01_00_01;
    static final long SID_HI = 0xfc00_0000_0000_0000L;
    static final long SID_LO = 7;

    /** A port that counts what it is given and frees it. */
    static final class SinkPort extends IoPort {
        final AtomicInteger sent = new AtomicInteger();
        volatile Thread lastSender;

        SinkPort(int index, String name, long mac) {
            super(index, name, mac);
            up(true);
        }

        @Override
        public String type() {
            return "sink";
        }

        @Override
        public boolean send(ByteBuf f) {
            lastSender = Thread.currentThread();
            sent.incrementAndGet();
            f.release();
            return true;
        }

        @Override
        public void close() {
        }
    }

    final NeighborTable neighbors = new NeighborTable();
    final SinkPort in = new SinkPort(1, "in0", IN_MAC);
    final SinkPort out = new SinkPort(2, "out0", OUT_MAC);
    final Route sid;
    final Engine engine;
    final IoRuntime rt;

    @SuppressWarnings("unchecked")
    EngineRig(int loops) {
        long[] none = new long[0];
        PortState[] ports = new PortState[3];
        ports[1] = new PortState(in, none, none, new int[0], PortState.LINK_LOCAL_HI, PortState.linkLocalLo(IN_MAC),
                new int[] {IN_ADDR}, new int[] {24}, Tables.MAIN, null, 0, new RateLimiter(-1));
        ports[2] = new PortState(out, none, none, new int[0], PortState.LINK_LOCAL_HI, PortState.linkLocalLo(OUT_MAC),
                new int[] {OUT_ADDR}, new int[] {24}, Tables.MAIN, null, 0, new RateLimiter(-1));
        Fib4<Route> main4 = new Fib4<>();
        main4.add(0x0a_00_00_00, 24, connected("10.0.0.0/24", 0x0a_00_00_00, 1));
        main4.add(0x0a_01_00_00, 24, connected("10.1.0.0/24", 0x0a_01_00_00, 2));
        Fib6<Route> main6 = new Fib6<>();
        RouteSpec spec = new RouteSpec(6, "fc00::7/128", null, null, Tables.MAIN, 0, RouteSpec.SEG6LOCAL, "T", List.of());
        sid = new Route(spec, Route.SID, SID_HI, SID_LO, 0, 128, false, 0, 0, 0, -1, 0, false, null);
        main6.add(SID_HI, SID_LO, 128, sid);
        engine = new Engine(neighbors, new Tables(ports, new int[] {Tables.MAIN}, new Fib6[] {main6},
                new int[] {Tables.MAIN}, new Fib4[] {main4}));
        rt = new IoRuntime(loops, engine);
        engine.runtime(rt);
        engine.setStatic(1, Neighbor.V4, HOST & 0xffff_ffffL, HOST_MAC); // where ICMP errors go
    }

    private static Route connected(String prefix, int addr, int port) {
        RouteSpec spec = new RouteSpec(4, prefix, null, "p" + port, Tables.MAIN, 0, null, null, null);
        return new Route(spec, Route.UNICAST, 0, 0, addr, 24, false, 0, 0, 0, port, 0, true, null);
    }

    /** {@code frame} in an unpooled buffer, after the headroom the engine expects. */
    private static ByteBuf frame(byte[] frame) {
        ByteBuf b = Unpooled.buffer(IoRuntime.FRAME_CAPACITY);
        b.setIndex(PacketContext.HEADROOM, PacketContext.HEADROOM);
        return b.writeBytes(frame);
    }

    /** A UDP datagram (8 zero bytes) from the host to {@code dst}, as received on {@code in}. */
    static ByteBuf udp4(int dst) {
        return frame(Packets.ethernet(Packets.mac(IN_MAC), Packets.mac(HOST_MAC), Packets.ETH_IPV4,
                Packets.ipv4(HOST, dst).payload(Packets.PROTO_UDP, new byte[8]).bytes()));
    }

    /** An ARP reply from {@code sender} (MAC {@code mac}) to the out port, as received on {@code out}. */
    static ByteBuf arpReply(int sender, long mac) {
        return frame(Packets.ethernet(Packets.mac(OUT_MAC), Packets.mac(mac), Packets.ETH_ARP,
                Packets.arp(Arp.REPLY, mac, sender, OUT_MAC, OUT_ADDR)));
    }

    /** An IPv6 packet from fc00::1 to the SID (next header UDP, 8 zero bytes), as received on {@code in}. */
    static ByteBuf toSid() {
        return frame(Packets.ethernet(Packets.mac(IN_MAC), Packets.mac(HOST_MAC), Packets.ETH_IPV6,
                Packets.ipv6("fc00::1", "fc00::7").payload(Packets.PROTO_UDP, new byte[8]).bytes()));
    }

    /** Waits until loop {@code i} has run what was queued on it so far. */
    void drain(int i) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        rt.execute(i, done::countDown);
        if (!done.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError("loop " + i + " did not run a task in 5 s");
        }
    }

    @Override
    public void close() {
        engine.close();
        rt.close();
        engine.discard(neighbors.removeIf(n -> true));
    }
}
