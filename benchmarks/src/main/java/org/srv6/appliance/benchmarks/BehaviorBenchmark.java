package org.srv6.appliance.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.behavior.end.internal.EndBehavior;
import org.srv6.appliance.behavior.endx.internal.EndXBehavior;
import org.srv6.appliance.behavior.tencaps.internal.TEncapsBehavior;

/** ns per packet of process(); the frame is restored from a copy before each operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BehaviorBenchmark {
    static final String FRAME = "60000000" + "0048" + "2b" + "40"
            + "fc000000000000000000000000000001" + "fc000000000000000000000000000100"
            + "1107040202001234" + "fc000000000000000000000000000003" + "fc000000000000000000000000000002"
            + "fc000000000000000000000000000100" + "0406000000000000" + "0001000200080000";

    @Param({"End", "End.X", "encap"})
    public String behavior;

    private ByteBuf buf;
    private ByteBuf original;
    private int l3;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance instance;

    @Setup
    public void setup() throws Exception {
        BehaviorContext c = new BehaviorContext() {
            public byte[] prefix() { return new byte[16]; }
            public int prefixLength() { return 128; }
            public int table() { return 254; }
            public int devPort() { return 0; }
            public int portIndex(String name) { return 1; }
            public byte[] tunnelSource(int port) { return new byte[16]; }
            public HmacKey hmacKey(int keyId) { return null; }
        };
        Behavior b;
        List<String> tokens;
        switch (behavior) {
            case "End.X" -> { b = new EndXBehavior(); tokens = List.of("nh6", "fc00::2", "oif", "p1"); }
            case "encap" -> { b = new TEncapsBehavior(); tokens = List.of("segs", "fc00::11,fc00::12,fc00::13"); }
            default -> { b = new EndBehavior(); tokens = List.of(); }
        }
        instance = b.create(b.parse(tokens), c);
        byte[] f = ByteBufUtil.decodeHexDump(FRAME);
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + f.length);
        l3 = PacketContext.HEADROOM + 14;
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
