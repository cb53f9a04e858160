package org.srv6.appliance.behavior.tinsert.internal;

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

public class TInsertInstanceTest {
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

    @Test
    public void srhInsertedWithOriginalDestinationInSegmentListZero() throws Exception {
        TInsertBehavior b = new TInsertBehavior();
        org.srv6.appliance.api.behavior.BehaviorInstance in = b.create(b.parse(List.of("segs", "fc00::11,fc00::12")), CTX);
        String hdrTail = A1;
        load("60000000" + "0004" + "11" + "40" + A1 + A2 + "01020304");
        assertEquals(Verdict.FORWARD, in.process(ctx));
        String want = "60000000" + "003c" + "2b" + "40" + A1 + S1
                + "1106040202000000" + A2 + S2 + S1 + "01020304";
        assertEquals(want, l3());
    }
}
