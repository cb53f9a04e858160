package org.srv6.appliance.benchmarks;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.RouteLookup;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.behavior.end.internal.EndBehavior;
import org.srv6.appliance.behavior.endbm.internal.EndBmBehavior;
import org.srv6.appliance.behavior.enddt6.internal.EndDT6Behavior;
import org.srv6.appliance.behavior.enddx6.internal.EndDx6Behavior;
import org.srv6.appliance.behavior.ends.internal.EndSBehavior;
import org.srv6.appliance.behavior.endt.internal.EndTBehavior;
import org.srv6.appliance.behavior.endx.internal.EndXBehavior;
import org.srv6.appliance.behavior.tencaps.internal.TEncapsBehavior;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/** ns per packet of process(); the frame is restored from a copy before each operation. */
public class BehaviorBenchmark extends NsPerOperation {
    /**
     * fc00::1 to {@code dst} through an SRH (Segments Left 2, tag 0x1234, a PadN TLV) over
     * fc00::100, fc00::2, fc00::3, then a UDP header: 72 bytes after the IPv6 header.
     */
    static byte[] packet(String dst) {
        return Packets.ipv6("fc00::1", dst)
                .srh(Packets.srh(2).segments("fc00::3", "fc00::2", "fc00::100").tag(0x1234).tlvs(Packets.padN(8)))
                .payload(Packets.PROTO_UDP, Packets.unhex("0001000200080000")).bytes();
    }

    /** fc00::1 to the SID fc00::100 with an SRH at Segments Left 0 over an inner IPv6 UDP packet: what End.DX6/End.DT6 decapsulate. */
    static byte[] decapPacket() {
        return Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100")
                .ipv6(Packets.ipv6("2001:db8:1::1", "2001:db8:2::2").hopLimit(64)
                        .udp(1000, 2000, Packets.unhex("0001000200030004"))).bytes();
    }

    /** End.S: its last segment not routed in table 100 (End); End.S-match: routed there (a lookup that says yes). */
    @Param({"End", "End.X", "encap", "End.T", "End.DX6", "End.DT6", "End.BM", "End.S", "End.S-match"})
    public String behavior;

    private ByteBuf buf;
    private ByteBuf original;
    private int l3;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance instance;

    @Setup
    public void setup() throws Exception {
        BehaviorContext c = new TestBehaviorContext();
        Behavior b;
        List<String> tokens;
        switch (behavior) {
            case "End.X" -> { b = new EndXBehavior(); tokens = List.of("nh6", "fc00::2", "oif", "p1"); }
            case "encap" -> { b = new TEncapsBehavior(); tokens = List.of("segs", "fc00::11,fc00::12,fc00::13"); }
            case "End.T" -> { b = new EndTBehavior(); tokens = List.of("table", "100"); }
            case "End.DX6" -> { b = new EndDx6Behavior(); tokens = List.of("nh6", "fc00::2"); }
            case "End.DT6" -> { b = new EndDT6Behavior(); tokens = List.of("table", "100"); }
            case "End.BM" -> { b = new EndBmBehavior(); tokens = List.of("mpls", "100/200/300", "nh6", "fc00::2"); }
            case "End.S", "End.S-match" -> { b = new EndSBehavior(); tokens = List.of("table", "100"); }
            default -> { b = new EndBehavior(); tokens = List.of(); }
        }
        instance = b.create(b.parse(tokens), c);
        RouteLookup yes = (table, hi, lo) -> table == 100;
        ctx.routes = behavior.equals("End.S-match") ? yes : RouteLookup.NONE;
        byte[] f = behavior.startsWith("End.D") ? decapPacket() : packet("fc00::100");
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + f.length);
        l3 = PacketContext.HEADROOM + 14;
        Verdict v = process();
        if (v == Verdict.DROP || v == Verdict.ICMP_ERROR) {
            throw new IllegalStateException(behavior + " does not forward the benchmark's packet: " + v + " " + ctx.dropReason);
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
