package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/**
 * Ethernet II header.
 * <pre>
 *  0                   6                   12      14
 * +-------------------+-------------------+-------+
 * | destination MAC   | source MAC        | type  |
 * +-------------------+-------------------+-------+
 * </pre>
 */
public final class Ethernet {
    public static final int DST = 0;
    public static final int SRC = 6;
    public static final int TYPE = 12;
    public static final int LENGTH = 14;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TYPE_MPLS = 0x8847;
    public static final int TYPE_VLAN = 0x8100;

    private Ethernet() {
    }

    public static int type(ByteBuf b, int off) {
        return b.getUnsignedShort(off + TYPE);
    }

    public static void type(ByteBuf b, int off, int type) {
        b.setShort(off + TYPE, type);
    }

    public static void dst(ByteBuf b, int off, byte[] mac) {
        b.setBytes(off + DST, mac, 0, 6);
    }

    public static void src(ByteBuf b, int off, byte[] mac) {
        b.setBytes(off + SRC, mac, 0, 6);
    }

    /** @return the destination MAC as a long (48 bits), for allocation-free comparison */
    public static long dstMac(ByteBuf b, int off) {
        return ((long) b.getUnsignedShort(off) << 32) | b.getUnsignedInt(off + 2);
    }

    public static long srcMac(ByteBuf b, int off) {
        return ((long) b.getUnsignedShort(off + 6) << 32) | b.getUnsignedInt(off + 8);
    }

    public static void dstMac(ByteBuf b, int off, long mac) {
        b.setShort(off, (int) (mac >>> 32));
        b.setInt(off + 2, (int) mac);
    }

    public static void srcMac(ByteBuf b, int off, long mac) {
        b.setShort(off + 6, (int) (mac >>> 32));
        b.setInt(off + 8, (int) mac);
    }

    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    public static long macToLong(byte[] m) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | (m[i] & 0xff);
        }
        return v;
    }

    public static byte[] longToMac(long v) {
        byte[] m = new byte[6];
        for (int i = 5; i >= 0; i--) {
            m[i] = (byte) v;
            v >>>= 8;
        }
        return m;
    }
}
