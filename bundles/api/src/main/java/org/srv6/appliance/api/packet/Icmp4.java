package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/** ICMP for IPv4 (RFC 792): type, code, checksum, then a parameter word and the body. */
public final class Icmp4 {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int PARAM = 4;
    public static final int BODY = 8;

    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;

    public static final int UNREACH_NET = 0;
    public static final int UNREACH_HOST = 1;
    public static final int UNREACH_FRAG_NEEDED = 4;

    private Icmp4() {
    }

    public static int type(ByteBuf b, int off) {
        return b.getUnsignedByte(off + TYPE);
    }

    public static int code(ByteBuf b, int off) {
        return b.getUnsignedByte(off + CODE);
    }

    /** Computes and writes the checksum of the ICMP message at {@code off} of {@code len} bytes. */
    public static void updateChecksum(ByteBuf b, int off, int len) {
        b.setShort(off + CHECKSUM, 0);
        b.setShort(off + CHECKSUM, Checksum.fold(Checksum.sum(b, off, len, 0)));
    }
}
