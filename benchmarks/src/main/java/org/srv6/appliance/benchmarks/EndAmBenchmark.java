package org.srv6.appliance.benchmarks;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.behavior.endam.internal.EndAmBehavior;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns per packet of End.AM, both directions: masquerading ({@code process}: SL-1, DA = Segment
 * List[0], to the service) and de-masquerading ({@code processReturn}: DA = Segment List[SL],
 * what the service sent back), on a three-segment SRH over an inner IPv6 UDP packet; run with
 * {@code -prof gc} for B/op. The frame is restored from a copy before each operation.
 */
public class EndAmBenchmark extends NsPerOperation {
    private ByteBuf buf;
    private ByteBuf toSid;
    private ByteBuf fromService;
    private int l3;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance instance;

    private static byte[] packet(String da, int sl) {
        return Packets.ipv6("fc00::1", da).hopLimit(64)
                .srh(sl, "fc00:a::1", "fc00:b::1", "fc00:d::6")
                .ipv6(Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").udp(1000, 2000, Packets.fill(64, 1))).bytes();
    }

    @Setup
    public void setup() throws Exception {
        EndAmBehavior b = new EndAmBehavior();
        instance = b.create(b.parse(List.of("nh6", "fc00:5e::2", "oif", "p1", "iif", "p2")),
                new TestBehaviorContext().port("p2", 2));
        byte[] in = packet("fc00:a::1", 2);
        // what the service returns, in its Ethernet frame (de-masquerading reads the ethertype)
        byte[] back = Packets.cat(Packets.bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd), packet("fc00:d::6", 1));
        toSid = Unpooled.directBuffer(in.length).writeBytes(in);
        fromService = Unpooled.directBuffer(back.length).writeBytes(back);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + in.length);
        l3 = PacketContext.HEADROOM + 14;
        Verdict v = masquerading();
        if (v != Verdict.FORWARD_NH6) {
            throw new IllegalStateException("End.AM does not masquerade the benchmark's packet: " + v + " " + ctx.dropReason);
        }
        v = deMasquerading();
        if (v != Verdict.FORWARD) {
            throw new IllegalStateException("End.AM does not de-masquerade the benchmark's packet: " + v + " " + ctx.dropReason);
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
        toSid.release();
        fromService.release();
    }

    @Benchmark
    public Verdict masquerading() {
        buf.setBytes(l3, toSid, 0, toSid.writerIndex());
        buf.setIndex(PacketContext.HEADROOM, l3 + toSid.writerIndex());
        ctx.reset(buf, l3, 0, 254);
        return instance.process(ctx);
    }

    @Benchmark
    public Verdict deMasquerading() {
        buf.setBytes(l3 - 14, fromService, 0, fromService.writerIndex());
        buf.setIndex(PacketContext.HEADROOM, l3 - 14 + fromService.writerIndex());
        ctx.reset(buf, l3, 2, 254);
        return instance.processReturn(ctx);
    }
}
