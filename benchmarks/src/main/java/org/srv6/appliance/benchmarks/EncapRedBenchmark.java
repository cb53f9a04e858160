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
import org.srv6.appliance.behavior.tencaps.internal.TEncapsBehavior;
import org.srv6.appliance.behavior.tencapsred.internal.TEncapsRedBehavior;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns (and, with {@code -prof gc}, bytes) per packet of the transit encapsulations, as
 * {@link BehaviorBenchmark} measures the endpoint behaviors: H.Encaps.Red with 1 segment (no SRH),
 * 3 segments, 3 segments with hmac, against H.Encaps with 3 segments; the inner packet is an IPv6
 * UDP packet restored from a copy before each operation.
 */
public class EncapRedBenchmark extends NsPerOperation {
    @Param({"encap 3", "encap.red 1", "encap.red 3", "encap.red 3 hmac"})
    public String mode;

    private ByteBuf buf;
    private ByteBuf original;
    private int l3;
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
            case "encap 3" -> { b = new TEncapsBehavior(); tokens = List.of("segs", three); }
            case "encap.red 1" -> { b = new TEncapsRedBehavior(); tokens = List.of("segs", "fc00::11"); }
            case "encap.red 3" -> { b = new TEncapsRedBehavior(); tokens = List.of("segs", three); }
            case "encap.red 3 hmac" -> { b = new TEncapsRedBehavior(); tokens = List.of("segs", three, "hmac", "7"); }
            default -> throw new IllegalArgumentException(mode);
        }
        instance = b.create(b.parse(tokens), c);
        byte[] f = Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").hopLimit(64).flowLabel(0x12345)
                .udp(1000, 2000, Packets.fill(64, 1)).bytes();
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + f.length);
        l3 = PacketContext.HEADROOM + 14;
        Verdict v = process();
        if (v != Verdict.FORWARD) {
            throw new IllegalStateException(mode + " does not forward the benchmark's packet: " + v + " " + ctx.dropReason);
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
        original.release();
    }

    @Benchmark
    public Verdict process() {
        buf.setBytes(l3, original, 0, original.writerIndex());
        buf.setIndex(PacketContext.HEADROOM, l3 + original.writerIndex());
        ctx.reset(buf, l3, 0, 254);
        return instance.process(ctx);
    }
}
