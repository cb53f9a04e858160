package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/**
 * IPv4 header (RFC 791).
 * <pre>
 *  0       4       8               16      19                      32
 * +-------+-------+---------------+-------------------------------+
 * |Version|  IHL  |      TOS      |          Total Length         |  0
 * |         Identification        |Flags|   Fragment Offset       |  4
 * |      TTL      |   Protocol    |        Header Checksum        |  8
 * |                        Source Address                         | 12
 * |                     Destination Address                       | 16
 * +---------------------------------------------------------------+ 20
 * </pre>
 */
public final class Ipv4 {
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int ID = 4;
    public static final int FLAGS_FRAG = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SRC = 12;
    public static final int DST = 16;
    public static final int MIN_LENGTH = 20;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    private Ipv4() {
    }

    public static int version(ByteBuf b, int off) {
        return b.getUnsignedByte(off) >>> 4;
    }

    /** @return header length in bytes (IHL * 4) */
    public static int headerLength(ByteBuf b, int off) {
        return (b.getUnsignedByte(off) & 0x0f) * 4;
    }

    public static int tos(ByteBuf b, int off) {
        return b.getUnsignedByte(off + TOS);
    }

    public static int totalLength(ByteBuf b, int off) {
        return b.getUnsignedShort(off + TOTAL_LENGTH);
    }

    public static int ttl(ByteBuf b, int off) {
        return b.getUnsignedByte(off + TTL);
    }

    public static int protocol(ByteBuf b, int off) {
        return b.getUnsignedByte(off + PROTOCOL);
    }

    public static int src(ByteBuf b, int off) {
        return b.getInt(off + SRC);
    }

    public static int dst(ByteBuf b, int off) {
        return b.getInt(off + DST);
    }

    public static void src(ByteBuf b, int off, int a) {
        b.setInt(off + SRC, a);
    }

    public static void dst(ByteBuf b, int off, int a) {
        b.setInt(off + DST, a);
    }

    public static int checksum(ByteBuf b, int off) {
        return b.getUnsignedShort(off + CHECKSUM);
    }

    /** @return true when the DF bit or a fragment offset/MF is set as asked */
    public static boolean dontFragment(ByteBuf b, int off) {
        return (b.getUnsignedShort(off + FLAGS_FRAG) & 0x4000) != 0;
    }

    /**
     * Decrements TTL by one and updates the checksum incrementally (RFC 1624), as the
     * kernel's ip_decrease_ttl does.
     */
    public static void decrementTtl(ByteBuf b, int off) {
        int ttl = b.getUnsignedByte(off + TTL);
        b.setByte(off + TTL, ttl - 1);
        int sum = b.getUnsignedShort(off + CHECKSUM) + 0x0100;
        // the kernel's end-around carry: 0xFFFF becomes 0x0000, as a recomputation gives
        b.setShort(off + CHECKSUM, sum + (sum >= 0xffff ? 1 : 0));
    }

    /** Recomputes the header checksum from scratch. */
    public static void updateChecksum(ByteBuf b, int off) {
        b.setShort(off + CHECKSUM, 0);
        b.setShort(off + CHECKSUM, Checksum.fold(Checksum.sum(b, off, headerLength(b, off), 0)));
    }

    /** @return true when the header checksum verifies */
    public static boolean checksumOk(ByteBuf b, int off) {
        return Checksum.fold(Checksum.sum(b, off, headerLength(b, off), 0)) == 0;
    }
}
