package org.srv6.appliance.benchmarks;

import java.nio.charset.StandardCharsets;
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
import org.srv6.appliance.behavior.tencapsl2.internal.TEncapsL2Behavior;
import org.srv6.appliance.behavior.tencapsl2red.internal.TEncapsL2RedBehavior;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns (and, with {@code -prof gc}, bytes) per frame of H.Encaps.L2 and H.Encaps.L2.Red as a
 * steered port or route runs them: a 128-byte Ethernet frame carrying IPv6, restored from a copy
 * before each operation; l2encap with 1 and 3 segments and with hmac, l2encap.red with 1 (no SRH)
 * and 3 segments.
 */
public class L2EncapBenchmark extends NsPerOperation {
    @Param({"l2encap 1", "l2encap 3", "l2encap 3 hmac", "l2encap.red 1", "l2encap.red 3"})
    public String mode;

    private ByteBuf buf;
    private ByteBuf original;
    private int start;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance instance;

    @Setup
    public void setup() throws Exception {
        TestBehaviorContext c = new TestBehaviorContext().tunnelSource("fc00::aa")
                .hmacKey(7, "sha256", "benchmark secret".getBytes(StandardCharsets.UTF_8));
        String three = "fc00::11,fc00::12,fc00::13";
        Behavior b;
        List<String> tokens;
        switch (mode) {
            case "l2encap 1" -> { b = new TEncapsL2Behavior(); tokens = List.of("segs", "fc00::11"); }
            case "l2encap 3" -> { b = new TEncapsL2Behavior(); tokens = List.of("segs", three); }
            case "l2encap 3 hmac" -> { b = new TEncapsL2Behavior(); tokens = List.of("segs", three, "hmac", "7"); }
            case "l2encap.red 1" -> { b = new TEncapsL2RedBehavior(); tokens = List.of("segs", "fc00::11"); }
            case "l2encap.red 3" -> { b = new TEncapsL2RedBehavior(); tokens = List.of("segs", three); }
            default -> throw new IllegalArgumentException(mode);
        }
        instance = b.create(b.parse(tokens), c);
        byte[] f = Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").hopLimit(64).flowLabel(0x12345)
                .udp(1000, 2000, Packets.fill(66, 1)).frame("02:00:00:00:00:01", "02:00:00:00:00:02");
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + f.length);
        start = PacketContext.HEADROOM;
        Verdict v = process();
        if (v != Verdict.FORWARD) {
            throw new IllegalStateException(mode + " does not forward the benchmark's frame: " + v + " " + ctx.dropReason);
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
        return instance.process(ctx);
    }
}
