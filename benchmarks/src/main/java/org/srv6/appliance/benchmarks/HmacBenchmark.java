package org.srv6.appliance.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;
import org.srv6.appliance.api.packet.SrhHmac;
import org.srv6.appliance.behavior.tinsert.internal.TInsertBehavior;
import org.srv6.appliance.core.internal.engine.HmacKeys;
import org.srv6.appliance.testkit.HmacTlv;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

/**
 * ns (and, with {@code -prof gc}, bytes) per packet of the SRH HMAC: {@code sign} fills the TLV
 * of an SRH of three segments, {@code verify} is a SID's check of it under policy 0 (the key
 * found by id in the published keys), {@code ignore} the same check under policy -1, and
 * {@code inline} the whole {@code inline … hmac} process (insertion and signing).
 */
public class HmacBenchmark extends NsPerOperation {
    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

    @Param({"sha256", "sha1"})
    public String algorithm;

    private ByteBuf signed;
    private int srh;
    private int tlv;
    private SrhHmac key;
    private HmacKeys keys;
    private ByteBuf buf;
    private ByteBuf original;
    private int l3;
    private final PacketContext ctx = new PacketContext();
    private BehaviorInstance inline;

    @Setup
    public void setup() throws Exception {
        byte[] p = Packets.ipv6("fc00::1", "fc00::100")
                .srh(Packets.srh(2).segments("fc00::3", "fc00::2", "fc00::100").flags(Srh.FLAG_HMAC)
                        .tlvs(HmacTlv.tlv(algorithm, SECRET, 7, "fc00::1", Srh.FLAG_HMAC, "fc00::3", "fc00::2", "fc00::100")))
                .payload(Packets.PROTO_UDP, Packets.unhex("0001000200080000")).bytes();
        signed = Unpooled.directBuffer(p.length).writeBytes(p);
        srh = Ipv6.LENGTH;
        tlv = Srh.hmacTlv(signed, srh);
        key = new SrhHmac(algorithm, SECRET, 7);
        keys = HmacKeys.of(Map.of(7L, key, 8L, new SrhHmac("sha1", SECRET, 8)));
        if (verify() != DropReason.NONE || ignore() != DropReason.NONE) {
            throw new IllegalStateException("the benchmark's packet does not verify");
        }

        Behavior b = new TInsertBehavior();
        inline = b.create(b.parse(List.of("segs", "fc00::11,fc00::12", "hmac", "7")),
                new TestBehaviorContext().hmacKey(7, algorithm, SECRET));
        byte[] f = Packets.ipv6("fc00::1", "fc00::100").payload(Packets.PROTO_UDP,
                Packets.unhex("0001000200080000")).bytes();
        original = Unpooled.directBuffer(f.length).writeBytes(f);
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + f.length + 128);
        l3 = PacketContext.HEADROOM + 14;
        if (inline() != Verdict.FORWARD) {
            throw new IllegalStateException("inline does not forward the benchmark's packet: " + ctx.dropReason);
        }
    }

    @TearDown
    public void tearDown() {
        signed.release();
        buf.release();
        original.release();
    }

    @Benchmark
    public boolean sign() {
        return key.sign(signed, Ipv6.SRC, srh, tlv);
    }

    @Benchmark
    public DropReason verify() {
        return keys.check(0, signed, 0);
    }

    @Benchmark
    public DropReason ignore() {
        return keys.check(-1, signed, 0);
    }

    @Benchmark
    public Verdict inline() {
        buf.setBytes(l3, original, 0, original.writerIndex());
        buf.setIndex(PacketContext.HEADROOM, l3 + original.writerIndex());
        ctx.reset(buf, l3, 0, 254);
        return inline.process(ctx);
    }
}
