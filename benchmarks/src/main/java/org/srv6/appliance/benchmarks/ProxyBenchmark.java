package org.srv6.appliance.benchmarks;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.behavior.endad.internal.EndAdBehavior;
import org.srv6.appliance.behavior.endas.internal.EndAsBehavior;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns (and, with {@code -prof gc}, bytes) per packet of the SR proxies, each direction: "to
 * service" a packet to the SID (IPv6 + SRH of 3 segments + 64-byte inner IPv6/UDP packet) whose
 * inner packet goes to the service; "back" the inner packet coming back from the service,
 * encapsulated again (End.AS from its configured CACHE, End.AD from the header it learnt, which
 * "to service" also compares with the learnt one on every packet). The packet is restored from a
 * copy before each operation.
 */
public class ProxyBenchmark extends NsPerOperation {
    @Param({"End.AS to service", "End.AS back", "End.AD to service", "End.AD back"})
    public String path;

    private static final String SID = "fc00::a5";

    private ByteBuf buf;
    private ByteBuf original;
    private int start;
    private boolean back;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance instance;

    @Setup
    public void setup() throws Exception {
        TestBehaviorContext c = new TestBehaviorContext().prefix(SID, 128).port("p2", 2);
        boolean as = path.startsWith("End.AS");
        back = path.endsWith("back");
        Behavior b = as ? new EndAsBehavior() : new EndAdBehavior();
        List<String> tokens = as
                ? List.of("nh6", "fc00:a::2", "oif", "p1", "iif", "p2", "src", "fc00::1", "segs", "fc00::12,fc00::13")
                : List.of("nh6", "fc00:a::2", "oif", "p1", "iif", "p2");
        instance = b.create(b.parse(tokens), c);
        byte[] inner = Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").hopLimit(64).flowLabel(0x12345)
                .udp(1000, 2000, Packets.fill(16, 1)).bytes();
        byte[] toSid = Packets.ipv6("fc00::1", SID, 43, 64, 0, 0, Packets.srh(41, 2, 0, 0,
                List.of("fc00::13", "fc00::12", SID), new byte[0], inner));
        byte[] l3 = back ? inner : toSid;
        byte[] f = Packets.cat(new byte[14], l3);
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + f.length);
        start = PacketContext.HEADROOM;
        if (back && !as) {
            // End.AD learns from a packet to the SID first
            ByteBuf learn = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + toSid.length);
            learn.writerIndex(PacketContext.HEADROOM).readerIndex(PacketContext.HEADROOM);
            learn.writeZero(14).writeBytes(toSid);
            ctx.reset(learn, PacketContext.HEADROOM + 14, 0, 254);
            instance.process(ctx);
            learn.release();
        }
        Verdict v = process();
        Verdict want = back ? Verdict.FORWARD : Verdict.FORWARD_NH6;
        if (v != want) {
            throw new IllegalStateException(path + " does not give " + want + ": " + v + " " + ctx.dropReason);
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
        original.release();
    }

    @Benchmark
    public Verdict process() {
        buf.setBytes(start, original, 0, original.writerIndex());
        buf.setIndex(start, start + original.writerIndex());
        ctx.reset(buf, start + 14, 0, 254);
        return back ? instance.processReturn(ctx) : instance.process(ctx);
    }
}
