package org.srv6.appliance.behavior.end.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

public class EndInstanceTest {
    /** IPv6 (hl 64, fc00::1 -> fc00::100) + SRH (SL 2, LE 2, tag 0x1234, PadN TLV) + 4 bytes UDP-ish. */
    static final String IPV6 = "60000000" + "0048" + "2b" + "40"
            + "fc000000000000000000000000000001" + "fc000000000000000000000000000100";
    static final String SRH = "11" + "07" + "04" + "02" + "02" + "00" + "1234"
            + "fc000000000000000000000000000003" + "fc000000000000000000000000000002"
            + "fc000000000000000000000000000100" + "0406000000000000";
    static final String PAYLOAD = "0001000200080000";

    private ByteBuf buf;
    private final PacketContext ctx = new PacketContext();

    private static final BehaviorContext CTX = new BehaviorContext() {
        public byte[] prefix() { return new byte[16]; }
        public int prefixLength() { return 128; }
        public int table() { return 254; }
        public int devPort() { return 0; }
        public int portIndex(String name) { return name.equals("p1") ? 1 : -1; }
        public byte[] tunnelSource(int port) { return new byte[16]; }
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

    private static BehaviorInstance end(String... tokens) throws BehaviorException {
        EndBehavior b = new EndBehavior();
        return b.create(b.parse(List.of(tokens)), CTX);
    }

    @Test
    public void segmentsLeftDecrementedAndDestinationUpdatedWithTagAndTlvsPreserved() throws Exception {
        load(IPV6 + SRH + PAYLOAD);
        assertEquals(Verdict.FORWARD, end().process(ctx));
        assertEquals(254, ctx.table);
        String want = (IPV6 + SRH + PAYLOAD).replace("2b40fc000000000000000000000000000001fc000000000000000000000000000100",
                "2b40fc000000000000000000000000000001fc000000000000000000000000000002")
                .replace("11070402020012", "11070401020012");
        assertEquals(want, l3());
    }

    @Test
    public void malformedSrhGetsParameterProblemPointingAtSegmentsLeft() throws Exception {
        load(IPV6 + SRH.replaceFirst("^1107040202", "1107040402") + PAYLOAD);
        assertEquals(Verdict.ICMP_ERROR, end().process(ctx));
        assertEquals(4, ctx.icmpType);
        assertEquals(0, ctx.icmpCode);
        assertEquals(43, ctx.icmpParam);
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
    }

    @Test
    public void segmentsLeftZeroIsLocal() throws Exception {
        load(IPV6 + SRH.replaceFirst("^1107040202", "1107040002") + PAYLOAD);
        String before = l3();
        assertEquals(Verdict.LOCAL, end().process(ctx));
        assertEquals(before, l3());
    }

    @Test
    public void hopLimitOneGetsTimeExceededBeforeRewrite() throws Exception {
        load(IPV6.replace("00482b40", "00482b01") + SRH + PAYLOAD);
        String before = l3();
        assertEquals(Verdict.ICMP_ERROR, end().process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(0, ctx.icmpCode);
        assertEquals(before, l3());
    }

    @Test
    public void noSrhIsDropped() throws Exception {
        load(IPV6.replace("00482b40", "0008" + "1140") + PAYLOAD);
        assertEquals(Verdict.DROP, end().process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void pspRemovesSrhWhenSegmentsLeftReachesZero() throws Exception {
        load(IPV6 + SRH.replaceFirst("^1107040202", "1107040102") + PAYLOAD);
        assertEquals(Verdict.FORWARD, end("flavors", "psp").process(ctx));
        String want = "60000000" + "0008" + "11" + "40" + "fc000000000000000000000000000001"
                + "fc000000000000000000000000000003" + PAYLOAD;
        assertEquals(want, l3());
        assertEquals(ctx.l3 - 14, buf.readerIndex());
    }

    @Test
    public void uspRemovesSrhAtSegmentsLeftZeroAndGoesLocal() throws Exception {
        load(IPV6 + SRH.replaceFirst("^1107040202", "1107040002") + PAYLOAD);
        assertEquals(Verdict.LOCAL, end("flavors", "usp").process(ctx));
        assertEquals("600000000008114", l3().substring(0, 15));
    }

    @Test
    public void nextCsidShiftsTheNextCsidIn() throws Exception {
        // Locator block fc00:0000 (32), C-SIDs 0100, 0200, 0300 of 16 bits.
        load(IPV6.replace("fc000000000000000000000000000100", "fc000000010002000300000000000000") + PAYLOAD);
        assertEquals(Verdict.FORWARD, end("flavors", "next-csid").process(ctx));
        assertEquals("fc000000020003000000000000000000", ByteBufUtil.hexDump(buf, ctx.l3 + 24, 16));
    }

    @Test
    public void nextCsidLastCsidFallsBackToSrh() throws Exception {
        load(IPV6.replace("fc000000000000000000000000000100", "fc000000030000000000000000000000") + SRH + PAYLOAD);
        assertEquals(Verdict.FORWARD, end("flavors", "next-csid").process(ctx));
        assertEquals("fc000000000000000000000000000002", ByteBufUtil.hexDump(buf, ctx.l3 + 24, 16));
    }

    @Test(expected = BehaviorException.class)
    public void nextCsidLengthsMustBeMultiplesOfEight() throws Exception {
        end("flavors", "next-csid", "lblen", "30");
    }

    @Test
    public void randomMutationsNeverThrow() throws Exception {
        byte[] good = ByteBufUtil.decodeHexDump(IPV6 + SRH + PAYLOAD);
        BehaviorInstance[] all = {end(), end("flavors", "psp"), end("flavors", "usp"), end("flavors", "usd"),
                end("flavors", "next-csid")};
        Random r = new Random(8986);
        for (int i = 0; i < 5000; i++) {
            byte[] m = Arrays.copyOf(good, r.nextInt(good.length + 1));
            for (int k = r.nextInt(6); k >= 0 && m.length > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            load(ByteBufUtil.hexDump(m));
            assertNotNull(all[i % all.length].process(ctx));
        }
    }
}
