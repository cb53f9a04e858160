package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/**
 * ICMPv6 message (RFC 4443) and the NDP messages of RFC 4861.
 * <pre>
 * +---------------+---------------+-------------------------------+
 * |     Type      |     Code      |           Checksum            |  0
 * +---------------+---------------+-------------------------------+
 * |            Parameter (pointer, MTU) / Identifier, Sequence    |  4
 * +---------------------------------------------------------------+
 * |                    Message body / invoking packet             |  8
 * </pre>
 */
public final class Icmp6 {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int PARAM = 4;
    public static final int BODY = 8;

    public static final int DEST_UNREACHABLE = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int PARAMETER_PROBLEM = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int ROUTER_SOLICITATION = 133;
    public static final int ROUTER_ADVERTISEMENT = 134;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;

    /** Destination Unreachable codes. */
    public static final int UNREACH_NO_ROUTE = 0;
    public static final int UNREACH_ADDRESS = 3;
    public static final int UNREACH_PORT = 4;
    /** Parameter Problem codes. */
    public static final int PARAM_ERRONEOUS_FIELD = 0;
    public static final int PARAM_UNRECOGNIZED_NH = 1;
    /** RFC 8754 §4.3.1.1 / RFC 8986: SR Upper-layer Header Error. */
    public static final int PARAM_SR_UPPER_LAYER = 4;

    /** NDP option types. */
    public static final int OPT_SOURCE_LLADDR = 1;
    public static final int OPT_TARGET_LLADDR = 2;
    /** NA flags (first byte of the parameter word). */
    public static final int NA_ROUTER = 0x80;
    public static final int NA_SOLICITED = 0x40;
    public static final int NA_OVERRIDE = 0x20;

    /** Minimum MTU of IPv6: errors are cut to fit it. */
    public static final int MIN_MTU = 1280;

    private Icmp6() {
    }

    public static int type(ByteBuf b, int off) {
        return b.getUnsignedByte(off + TYPE);
    }

    public static int code(ByteBuf b, int off) {
        return b.getUnsignedByte(off + CODE);
    }

    public static int param(ByteBuf b, int off) {
        return b.getInt(off + PARAM);
    }

    public static boolean isError(int type) {
        return type < 128;
    }

    /** Computes and writes the checksum of the ICMPv6 message at {@code off} of {@code len} bytes in the packet at l3. */
    public static void updateChecksum(ByteBuf b, int l3, int off, int len) {
        b.setShort(off + CHECKSUM, 0);
        b.setShort(off + CHECKSUM, Checksum.upperLayer6(b, l3, off, len, Ipv6.PROTO_ICMPV6));
    }
}
