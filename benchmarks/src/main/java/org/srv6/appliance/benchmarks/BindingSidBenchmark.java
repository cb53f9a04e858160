package org.srv6.appliance.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.behavior.endb6encaps.internal.EndB6EncapsBehavior;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns per packet of End.B6.Encaps process() (End step on the received SRH, outer IPv6 header and a
 * three-segment SRH pushed), without and with an HMAC-SHA-256 TLV signed per packet; run with
 * {@code -prof gc} for B/op. The frame is restored from a copy before each operation.
 */
public class BindingSidBenchmark extends NsPerOperation {
    @Param({"false", "true"})
    public boolean hmac;

    private ByteBuf buf;
    private ByteBuf original;
    private int l3;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance instance;

    @Setup
    public void setup() throws Exception {
        TestBehaviorContext c = new TestBehaviorContext().tunnelSource("fc00::aa")
                .hmacKey(7, "sha256", "benchmark".getBytes(StandardCharsets.US_ASCII));
        EndB6EncapsBehavior b = new EndB6EncapsBehavior();
        List<String> tokens = hmac ? List.of("srh", "segs", "fc00::11,fc00::12,fc00::13", "hmac", "7")
                : List.of("srh", "segs", "fc00::11,fc00::12,fc00::13");
        instance = b.create(b.parse(tokens), c);
        byte[] f = BehaviorBenchmark.packet("fc00::100");
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + f.length);
        l3 = PacketContext.HEADROOM + 14;
        Verdict v = endB6Encaps();
        if (v != Verdict.FORWARD) {
            throw new IllegalStateException("End.B6.Encaps does not forward the benchmark's packet: " + v + " " + ctx.dropReason);
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
        original.release();
    }

    @Benchmark
    public Verdict endB6Encaps() {
        buf.setBytes(l3, original, 0, original.writerIndex());
        buf.setIndex(PacketContext.HEADROOM, l3 + original.writerIndex());
        ctx.reset(buf, l3, 0, 254);
        return instance.process(ctx);
    }
}
