package org.srv6.appliance.api.packet;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

public class SrhTest {

    private static ByteBuf srh(int segs, int sl, int tlvBytes, int... tlv) {
        byte[] t = Srh.build(java.util.Collections.nCopies(segs, InetAddrs.parse6("fc00::1")), Ipv6.PROTO_IPV6);
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(t);
        b.setByte(Srh.HDR_EXT_LEN, 2 * segs + tlvBytes / 8);
        b.setByte(Srh.SEGMENTS_LEFT, sl);
        for (int x : tlv) {
            b.writeByte(x);
        }
        return b;
    }

    @Test
    public void buildStoresTheListReversed() {
        byte[] t = Srh.build(List.of(InetAddrs.parse6("fc00::1"), InetAddrs.parse6("fc00::2")), 41);
        assertEquals(41, t[0]);
        assertEquals(4, t[1]);
        assertEquals(4, t[2]);
        assertEquals(1, t[3]);
        assertEquals(1, t[4]);
        assertEquals(2, t[8 + 15]);
        assertEquals(1, t[8 + 16 + 15]);
    }

    @Test
    public void wellFormedSrhWithPadTlvValidates() {
        ByteBuf b = srh(2, 1, 8, 4, 6, 0, 0, 0, 0, 0, 0);
        assertEquals(Srh.OK, Srh.validate(b, 0, b.writerIndex()));
    }

    @Test
    public void segmentsLeftAboveLastEntryPlusOneIsMalformed() {
        ByteBuf b = srh(2, 3, 0);
        assertEquals(Srh.MALFORMED, Srh.validate(b, 0, b.writerIndex()));
    }

    @Test
    public void segmentsLeftEqualLastEntryPlusOneIsAccepted() {
        ByteBuf b = srh(2, 2, 0);
        assertEquals(Srh.OK, Srh.validate(b, 0, b.writerIndex()));
    }

    @Test
    public void lastEntryBeyondHdrExtLenIsMalformed() {
        ByteBuf b = srh(2, 1, 0);
        b.setByte(Srh.LAST_ENTRY, 2);
        assertEquals(Srh.MALFORMED, Srh.validate(b, 0, b.writerIndex()));
    }

    @Test
    public void srhLongerThanPacketOverruns() {
        ByteBuf b = srh(2, 1, 0);
        assertEquals(Srh.OVERRUN, Srh.validate(b, 0, b.writerIndex() - 1));
    }

    @Test
    public void tlvLongerThanSrhOverruns() {
        ByteBuf b = srh(1, 0, 8, 4, 7, 0, 0, 0, 0, 0, 0);
        assertEquals(Srh.TLV_OVERRUN, Srh.validate(b, 0, b.writerIndex()));
    }

    @Test
    public void locateWalksHopByHopToTheSrh() {
        ByteBuf b = Unpooled.buffer();
        b.writeZero(40);
        Ipv6.nextHeader(b, 0, Ipv6.PROTO_HOPOPTS);
        b.writeBytes(new byte[] {43, 0, 1, 4, 0, 0, 0, 0});
        b.writeBytes(Srh.build(List.of(InetAddrs.parse6("fc00::1")), 59));
        assertEquals(48, Srh.locate(b, 0, b.writerIndex()));
        assertEquals(Srh.TRUNCATED, Srh.locate(b, 0, 41));
        Ipv6.nextHeader(b, 0, Ipv6.PROTO_UDP);
        assertEquals(Srh.ABSENT, Srh.locate(b, 0, b.writerIndex()));
    }
}
