package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/** Internet checksum (RFC 1071) over buffers and the IPv6 pseudo-header (RFC 8200 §8.1). */
public final class Checksum {
    private Checksum() {
    }

    /** @return the 32-bit one's-complement partial sum of {@code len} bytes at {@code off}, added to {@code sum} */
    public static long sum(ByteBuf b, int off, int len, long sum) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += b.getUnsignedShort(off + i);
        }
        if (i < len) {
            sum += b.getUnsignedByte(off + i) << 8;
        }
        return sum;
    }

    /** @return the final checksum (complemented, folded to 16 bits) */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * @return the partial sum of the IPv6 pseudo-header of the packet at {@code l3}, for an
     * upper-layer length {@code ulLen} and protocol {@code proto}
     */
    public static long pseudo6(ByteBuf b, int l3, int ulLen, int proto) {
        long s = sum(b, l3 + Ipv6.SRC, 32, 0);
        return s + (ulLen >>> 16) + (ulLen & 0xffff) + proto;
    }

    /** @return the checksum of an upper-layer message at {@code ul} of {@code len} bytes inside the IPv6 packet at l3 */
    public static int upperLayer6(ByteBuf b, int l3, int ul, int len, int proto) {
        return fold(sum(b, ul, len, pseudo6(b, l3, len, proto)));
    }
}
