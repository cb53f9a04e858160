package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/**
 * IPv6 header (RFC 8200).
 * <pre>
 *  0       4               12                              32 bits
 * +-------+---------------+-------------------------------+
 * |Version| Traffic Class |           Flow Label          |   0
 * +-------+---------------+-------+-----------+-----------+
 * |         Payload Length        | Next Hdr  | Hop Limit |   4
 * +-------------------------------+-----------+-----------+
 * |                     Source Address (16)               |   8
 * |                  Destination Address (16)             |  24
 * +-------------------------------------------------------+  40
 * </pre>
 */
public final class Ipv6 {
    public static final int VERSION_TC_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SRC = 8;
    public static final int DST = 24;
    public static final int LENGTH = 40;

    public static final int PROTO_HOPOPTS = 0;
    public static final int PROTO_IPV4 = 4;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_IPV6 = 41;
    public static final int PROTO_ROUTING = 43;
    public static final int PROTO_FRAGMENT = 44;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_NONE = 59;
    public static final int PROTO_DSTOPTS = 60;
    public static final int PROTO_ETHERNET = 143;

    private Ipv6() {
    }

    public static int version(ByteBuf b, int off) {
        return b.getUnsignedByte(off) >>> 4;
    }

    public static int trafficClass(ByteBuf b, int off) {
        return (b.getInt(off) >>> 20) & 0xff;
    }

    public static int flowLabel(ByteBuf b, int off) {
        return b.getInt(off) & 0xfffff;
    }

    /** Writes version 6, traffic class and flow label. */
    public static void versionTcFlow(ByteBuf b, int off, int tc, int flow) {
        b.setInt(off, 6 << 28 | (tc & 0xff) << 20 | (flow & 0xfffff));
    }

    public static int payloadLength(ByteBuf b, int off) {
        return b.getUnsignedShort(off + PAYLOAD_LENGTH);
    }

    public static void payloadLength(ByteBuf b, int off, int len) {
        b.setShort(off + PAYLOAD_LENGTH, len);
    }

    public static int nextHeader(ByteBuf b, int off) {
        return b.getUnsignedByte(off + NEXT_HEADER);
    }

    public static void nextHeader(ByteBuf b, int off, int nh) {
        b.setByte(off + NEXT_HEADER, nh);
    }

    public static int hopLimit(ByteBuf b, int off) {
        return b.getUnsignedByte(off + HOP_LIMIT);
    }

    public static void hopLimit(ByteBuf b, int off, int hl) {
        b.setByte(off + HOP_LIMIT, hl);
    }

    /** High 64 bits of the destination address. */
    public static long dstHi(ByteBuf b, int off) {
        return b.getLong(off + DST);
    }

    public static long dstLo(ByteBuf b, int off) {
        return b.getLong(off + DST + 8);
    }

    public static long srcHi(ByteBuf b, int off) {
        return b.getLong(off + SRC);
    }

    public static long srcLo(ByteBuf b, int off) {
        return b.getLong(off + SRC + 8);
    }

    public static void dst(ByteBuf b, int off, long hi, long lo) {
        b.setLong(off + DST, hi);
        b.setLong(off + DST + 8, lo);
    }

    public static void src(ByteBuf b, int off, long hi, long lo) {
        b.setLong(off + SRC, hi);
        b.setLong(off + SRC + 8, lo);
    }

    public static void dst(ByteBuf b, int off, byte[] a) {
        b.setBytes(off + DST, a, 0, 16);
    }

    public static void src(ByteBuf b, int off, byte[] a) {
        b.setBytes(off + SRC, a, 0, 16);
    }

    public static void copyDst(ByteBuf b, int off, byte[] into) {
        b.getBytes(off + DST, into, 0, 16);
    }

    public static void copySrc(ByteBuf b, int off, byte[] into) {
        b.getBytes(off + SRC, into, 0, 16);
    }

    /** @return the high 64 bits of a 16-byte address */
    public static long hi(byte[] a) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (a[i] & 0xff);
        }
        return v;
    }

    /** @return the low 64 bits of a 16-byte address */
    public static long lo(byte[] a) {
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = v << 8 | (a[i] & 0xff);
        }
        return v;
    }

    /** @return true for extension headers that may precede the SRH or upper layer (RFC 8200 §4.1) */
    public static boolean isExtensionHeader(int nh) {
        return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING || nh == PROTO_FRAGMENT || nh == PROTO_DSTOPTS
                || nh == 51 || nh == 135 || nh == 139 || nh == 140;
    }
}
