package org.srv6.appliance.benchmarks;

import java.util.List;

import io.netty.buffer.ByteBuf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;
import org.srv6.appliance.behavior.end.internal.EndBehavior;
import org.srv6.appliance.core.internal.engine.Engine;
import org.srv6.appliance.core.internal.engine.HmacKeys;
import org.srv6.appliance.core.internal.engine.Multipath;
import org.srv6.appliance.core.internal.engine.Neighbor;
import org.srv6.appliance.core.internal.engine.NeighborTable;
import org.srv6.appliance.core.internal.engine.PortState;
import org.srv6.appliance.core.internal.engine.Route;
import org.srv6.appliance.core.internal.engine.Tables;
import org.srv6.appliance.core.internal.fib.Fib4;
import org.srv6.appliance.core.internal.fib.Fib6;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.RateLimiter;
import org.srv6.appliance.testkit.HmacTlv;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns per frame of the whole Java packet path, from a received Ethernet frame to the output port:
 * Ethernet and IPv6 checks, FIB lookup, the End behavior (or plain forwarding),
 * hop limit, neighbor, Ethernet rewrite, counters. The ports are sinks that release the frame,
 * so the figure leaves out exactly the TAP read and write system calls.
 */
public class EngineBenchmark extends NsPerOperation {
    private static final long IN_MAC = 0x02_00_00_00_00_01L;
    private static final long OUT_MAC = 0x02_00_00_00_00_02L;
    private static final long PEER_MAC = 0x02_00_00_00_00_03L;

    /**
     * End: the SID fc00::100 with two segments left; End.hmac: the same SID reached by an SRH
     * signed with HMAC-SHA-256 key 7, checked under the port's policy; forward: a destination
     * behind a plain route; forward.ecmp: a destination behind a multipath route of two paths
     * (weights 1 and 3), the path chosen by the packet's flow hash.
     */
    @Param({"End", "End.hmac", "forward", "forward.ecmp"})
    public String path;

    /** {@code ip sr hmac policy} of the input port: 0 checks an HMAC when present (the default), -1 never. */
    @Param({"0", "-1"})
    public int hmacPolicy;

    private IoRuntime rt;
    private Engine engine;
    private SinkPort in;
    private byte[] frame;

    /** A port that takes what the engine sends and frees it. */
    static final class SinkPort extends IoPort {
        SinkPort(int index, long mac) {
            super(index, "bench" + index, mac);
            up(true);
        }

        @Override
        public String type() {
            return "bench";
        }

        @Override
        public boolean send(ByteBuf f) {
            f.release();
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Setup
    @SuppressWarnings("unchecked")
    public void setup() throws Exception {
        NeighborTable neighbors = new NeighborTable();
        in = new SinkPort(1, IN_MAC);
        SinkPort out = new SinkPort(2, OUT_MAC);
        long[] none = new long[0];
        PortState[] ports = new PortState[3];
        ports[1] = new PortState(in, none, none, new int[0], PortState.LINK_LOCAL_HI, PortState.linkLocalLo(IN_MAC),
                new int[0], new int[0], Tables.MAIN, null, hmacPolicy, new RateLimiter(100));
        ports[2] = new PortState(out, none, none, new int[0], PortState.LINK_LOCAL_HI, PortState.linkLocalLo(OUT_MAC),
                new int[0], new int[0], Tables.MAIN, null, 0, new RateLimiter(100));

        Fib6<Route> main = new Fib6<>();
        long fc00 = 0xfc00_0000_0000_0000L;
        RouteSpec plain = new RouteSpec(6, "fc00::/16", "fc00:23::3", "bench2", 254, 1024, null, null, null);
        main.add(fc00, 0, 16, new Route(plain, Route.UNICAST, fc00, 0, 0, 16, true, 0xfc00_0023_0000_0000L, 3, 0, 2,
                1024, false, null));
        RouteSpec ecmp = new RouteSpec(6, "fc00:9::/32", null, null, 254, 1024, null, null, null);
        Multipath paths = new Multipath(new int[] {2, 2}, new boolean[] {true, true},
                new long[] {0xfc00_0023_0000_0000L, 0xfc00_0023_0000_0000L}, new long[] {3, 4}, new int[2],
                new int[] {1, 3});
        main.add(0xfc00_0009_0000_0000L, 0, 32, Route.multipath(ecmp, 0xfc00_0009_0000_0000L, 0, 0, 32, 1024, paths));
        RouteSpec sid = new RouteSpec(6, "fc00::100", null, "bench1", 254, 1024, RouteSpec.SEG6LOCAL, "End", List.of());
        Route end = new Route(sid, Route.SID, fc00, 0x100, 0, 128, false, 0, 0, 0, 1, 1024, false, null);
        EndBehavior b = new EndBehavior();
        end.instance = b.create(b.parse(List.of()), new TestBehaviorContext().devPort(1));
        main.add(fc00, 0x100, 128, end);

        Neighbor peer = neighbors.getOrCreate(2, 0xfc00_0023_0000_0000L, 3);
        peer.mac = PEER_MAC;
        peer.state = Neighbor.PERMANENT;
        Neighbor peer2 = neighbors.getOrCreate(2, 0xfc00_0023_0000_0000L, 4);
        peer2.mac = PEER_MAC + 1;
        peer2.state = Neighbor.PERMANENT;

        byte[] secret = "s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HmacKeys keys = HmacKeys.of(java.util.Map.of(7L, new SrhHmac("sha256", secret, 7)));
        engine = new Engine(neighbors, new Tables(ports, new int[] {254}, new Fib6[] {main}, new int[0], new Fib4[0],
                keys));
        rt = new IoRuntime(1, engine);
        engine.runtime(rt);

        byte[] packet = path.equals("End.hmac")
                ? Packets.ipv6("fc00::1", "fc00::100")
                        .srh(Packets.srh(2).segments("fc00::3", "fc00::2", "fc00::100").flags(Srh.FLAG_HMAC)
                                .tlvs(HmacTlv.tlv("sha256", secret, 7, "fc00::1", Srh.FLAG_HMAC, "fc00::3", "fc00::2",
                                        "fc00::100")))
                        .payload(Packets.PROTO_UDP, Packets.unhex("0001000200080000")).bytes()
                : BehaviorBenchmark.packet(path.equals("End") ? "fc00::100"
                        : path.equals("forward.ecmp") ? "fc00:9::9" : "fc00::9");
        frame = Packets.ethernet(Packets.mac(IN_MAC), Packets.mac(0x02_00_00_00_00_aaL), Packets.ETH_IPV6, packet);
        if (!path.equals("End.hmac") && Ipv6.LENGTH + 0x48 + 14 != frame.length) {
            throw new IllegalStateException("frame length " + frame.length);
        }
        buf = rt.newFrame();
    }

    @TearDown
    public void tearDown() {
        buf.release();
        rt.close();
        if (engine.drops(org.srv6.appliance.api.behavior.DropReason.INTERNAL) != 0) {
            throw new IllegalStateException("the engine dropped frames as internal errors");
        }
        if (engine.drops(org.srv6.appliance.api.behavior.DropReason.NO_ROUTE) != 0
                || engine.drops(org.srv6.appliance.api.behavior.DropReason.NEIGHBOR_UNRESOLVED) != 0) {
            throw new IllegalStateException("the engine found no route or no neighbor");
        }
        if (engine.drops(org.srv6.appliance.api.behavior.DropReason.HMAC_INVALID) != 0) {
            throw new IllegalStateException("the engine dropped frames as hmac-invalid");
        }
    }

    private ByteBuf buf;

    /**
     * One buffer, kept alive across operations by an extra reference: Netty recycles buffer
     * objects only on its own threads (the event loops), so taking a new one per operation on the
     * benchmark thread would measure object allocation that the appliance does not do.
     */
    @Benchmark
    public long frame() {
        ByteBuf b = buf;
        b.setIndex(org.srv6.appliance.api.behavior.PacketContext.HEADROOM,
                org.srv6.appliance.api.behavior.PacketContext.HEADROOM);
        b.writeBytes(frame);
        engine.onFrame(0, in, b.retain());
        return in.rxDropped.sum();
    }
}
