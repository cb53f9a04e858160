package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/**
 * ARP for IPv4 over Ethernet (RFC 826).
 * <pre>
 * | HTYPE=1 (2) | PTYPE=0x0800 (2) | HLEN=6 | PLEN=4 | OPER (2) |   0
 * | sender MAC (6) | sender IPv4 (4) | target MAC (6) | target IPv4 (4) |   8
 * </pre>
 */
public final class Arp {
    public static final int HTYPE = 0;
    public static final int PTYPE = 2;
    public static final int HLEN = 4;
    public static final int PLEN = 5;
    public static final int OPER = 6;
    public static final int SHA = 8;
    public static final int SPA = 14;
    public static final int THA = 18;
    public static final int TPA = 24;
    public static final int LENGTH = 28;

    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    private Arp() {
    }

    /** @return true for Ethernet/IPv4 ARP with the lengths RFC 826 gives */
    public static boolean isEthernetIpv4(ByteBuf b, int off) {
        return b.getUnsignedShort(off + HTYPE) == 1 && b.getUnsignedShort(off + PTYPE) == Ethernet.TYPE_IPV4
                && b.getUnsignedByte(off + HLEN) == 6 && b.getUnsignedByte(off + PLEN) == 4;
    }

    public static int oper(ByteBuf b, int off) {
        return b.getUnsignedShort(off + OPER);
    }

    public static long senderMac(ByteBuf b, int off) {
        return ((long) b.getUnsignedShort(off + SHA) << 32) | b.getUnsignedInt(off + SHA + 2);
    }

    public static int senderIp(ByteBuf b, int off) {
        return b.getInt(off + SPA);
    }

    public static int targetIp(ByteBuf b, int off) {
        return b.getInt(off + TPA);
    }
}
