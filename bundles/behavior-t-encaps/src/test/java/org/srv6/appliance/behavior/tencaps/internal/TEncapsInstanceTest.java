package org.srv6.appliance.behavior.tencaps.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

public class TEncapsInstanceTest {
    static final String A1 = "fc000000000000000000000000000001";
    static final String A2 = "fc000000000000000000000000000002";
    static final String S1 = "fc000000000000000000000000000011";
    static final String S2 = "fc000000000000000000000000000012";
    static final String TUNSRC = "fc0000000000000000000000000000aa";

    private ByteBuf buf;
    private final PacketContext ctx = new PacketContext();

    static final BehaviorContext CTX = new BehaviorContext() {
        public byte[] prefix() { return new byte[16]; }
        public int prefixLength() { return 128; }
        public int table() { return 254; }
        public int devPort() { return 0; }
        public int portIndex(String name) { return name.equals("p1") ? 1 : -1; }
        public byte[] tunnelSource(int port) { return ByteBufUtil.decodeHexDump(TUNSRC); }
        public HmacKey hmacKey(int keyId) { return null; }
    };

    @After
    public void release() {
        if (buf != null) {
            buf.release();
        }
    }

    private void load(String l3hex) {
        byte[] l3 = ByteBufUtil.decodeHexDump(l3hex);
        if (buf != null) {
            buf.release();
        }
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + l3.length + 64);
        buf.writerIndex(PacketContext.HEADROOM);
        buf.readerIndex(PacketContext.HEADROOM);
        buf.writeZero(14);
        buf.writeBytes(l3);
        ctx.reset(buf, PacketContext.HEADROOM + 14, 0, 254);
    }

    private String l3() {
        return ByteBufUtil.hexDump(buf, ctx.l3, buf.writerIndex() - ctx.l3);
    }

    private static org.srv6.appliance.api.behavior.BehaviorInstance encap() throws BehaviorException {
        TEncapsBehavior b = new TEncapsBehavior();
        return b.create(b.parse(List.of("segs", "fc00::11,fc00::12")), CTX);
    }

    static final String SRH_OF = "0404040101000000" + S2 + S1;

    @Test
    public void ipv6PayloadGetsOuterHeaderAndSrh() throws Exception {
        String inner = "6a1234560004113f" + A1 + A2 + "01020304";
        load(inner);
        assertEquals(Verdict.FORWARD, encap().process(ctx));
        String want = "6a123456" + "0054" + "2b" + "3f" + TUNSRC + S1 + SRH_OF.replaceFirst("^04", "29") + inner;
        assertEquals(want, l3());
        assertEquals(ctx.l3 - 14, buf.readerIndex());
    }

    @Test
    public void ipv4PayloadGetsHopLimit64AndNextHeader4() throws Exception {
        String inner = "45000018000000000511000a0a0000010a00000201020304";
        load(inner);
        assertEquals(Verdict.FORWARD, encap().process(ctx));
        String want = "60000000" + "0040" + "2b" + "40" + TUNSRC + S1 + SRH_OF + inner;
        assertEquals(want, l3());
    }

    @Test
    public void randomInputsNeverThrow() throws Exception {
        java.util.Random r = new java.util.Random(1);
        org.srv6.appliance.api.behavior.BehaviorInstance in = encap();
        for (int i = 0; i < 3000; i++) {
            byte[] m = new byte[r.nextInt(80)];
            r.nextBytes(m);
            load(ByteBufUtil.hexDump(m));
            assertNotNull(in.process(ctx));
        }
    }
}
