package org.srv6.appliance.api.packet;

import io.netty.buffer.ByteBuf;

/**
 * Segment Routing Header (RFC 8754 §2).
 * <pre>
 *  0               8              16              24              32
 * +---------------+---------------+---------------+---------------+
 * | Next Header   | Hdr Ext Len   | Routing Type=4| Segments Left |  0
 * +---------------+---------------+---------------+---------------+
 * | Last Entry    | Flags         |              Tag              |  4
 * +---------------+---------------+---------------+---------------+
 * |            Segment List[0] (128 bits) ... [Last Entry]        |  8
 * +---------------------------------------------------------------+
 * //          Optional TLVs (type, length, value), Pad1 = 0      //
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class Srh {
    public static final int NEXT_HEADER = 0;
    public static final int HDR_EXT_LEN = 1;
    public static final int ROUTING_TYPE = 2;
    public static final int SEGMENTS_LEFT = 3;
    public static final int LAST_ENTRY = 4;
    public static final int FLAGS = 5;
    public static final int TAG = 6;
    public static final int SEGMENTS = 8;
    public static final int TYPE_SRH = 4;

    /** HMAC flag as the kernel sets it (RFC 8754 §2.1.2 leaves flags unassigned; Linux uses bit 3). */
    public static final int FLAG_HMAC = 0x08;
    public static final int TLV_PAD1 = 0;
    public static final int TLV_PADN = 4;
    public static final int TLV_HMAC = 5;

    /** {@link #validate} result: well formed. */
    public static final int OK = 0;
    /** Last Entry or Segments Left inconsistent (Parameter Problem, SPEC D1). */
    public static final int MALFORMED = 1;
    /** The SRH runs past the end of the packet. */
    public static final int OVERRUN = 2;
    /** A TLV runs past the end of the SRH. */
    public static final int TLV_OVERRUN = 3;

    /** {@link #locate}: no routing header of type 4 on the chain. */
    public static final int ABSENT = -1;
    /** {@link #locate}: the extension-header chain runs past the packet. */
    public static final int TRUNCATED = -2;

    private Srh() {
    }

    public static int nextHeader(ByteBuf b, int off) {
        return b.getUnsignedByte(off + NEXT_HEADER);
    }

    public static void nextHeader(ByteBuf b, int off, int nh) {
        b.setByte(off + NEXT_HEADER, nh);
    }

    public static int hdrExtLen(ByteBuf b, int off) {
        return b.getUnsignedByte(off + HDR_EXT_LEN);
    }

    /** @return the SRH length in bytes: 8 + 8 * Hdr Ext Len */
    public static int length(ByteBuf b, int off) {
        return 8 + 8 * b.getUnsignedByte(off + HDR_EXT_LEN);
    }

    public static int routingType(ByteBuf b, int off) {
        return b.getUnsignedByte(off + ROUTING_TYPE);
    }

    public static int segmentsLeft(ByteBuf b, int off) {
        return b.getUnsignedByte(off + SEGMENTS_LEFT);
    }

    public static void segmentsLeft(ByteBuf b, int off, int sl) {
        b.setByte(off + SEGMENTS_LEFT, sl);
    }

    public static int lastEntry(ByteBuf b, int off) {
        return b.getUnsignedByte(off + LAST_ENTRY);
    }

    public static int flags(ByteBuf b, int off) {
        return b.getUnsignedByte(off + FLAGS);
    }

    public static int tag(ByteBuf b, int off) {
        return b.getUnsignedShort(off + TAG);
    }

    /** @return absolute index of Segment List[i] */
    public static int segment(int off, int i) {
        return off + SEGMENTS + 16 * i;
    }

    public static long segmentHi(ByteBuf b, int off, int i) {
        return b.getLong(segment(off, i));
    }

    public static long segmentLo(ByteBuf b, int off, int i) {
        return b.getLong(segment(off, i) + 8);
    }

    /** @return absolute index of the first TLV (just past Segment List[Last Entry]) */
    public static int tlvStart(ByteBuf b, int off) {
        return off + SEGMENTS + 16 * (lastEntry(b, off) + 1);
    }

    /**
     * Checks an SRH at {@code off} in a packet that ends at {@code end} (exclusive).
     * Order: overrun first (nothing can be trusted past the packet), then RFC 8754 §4.3.1.1
     * consistency (Last Entry fits Hdr Ext Len, SL ≤ Last Entry + 1), then TLV bounds.
     */
    public static int validate(ByteBuf b, int off, int end) {
        if (off + 8 > end) {
            return OVERRUN;
        }
        int len = length(b, off);
        if (off + len > end) {
            return OVERRUN;
        }
        int hel = hdrExtLen(b, off);
        int le = lastEntry(b, off);
        if (le > hel / 2 - 1 || segmentsLeft(b, off) > le + 1) {
            return MALFORMED;
        }
        int p = tlvStart(b, off);
        int srhEnd = off + len;
        while (p < srhEnd) {
            int type = b.getUnsignedByte(p);
            if (type == TLV_PAD1) {
                p++;
                continue;
            }
            if (p + 2 > srhEnd) {
                return TLV_OVERRUN;
            }
            int l = b.getUnsignedByte(p + 1);
            if (p + 2 + l > srhEnd) {
                return TLV_OVERRUN;
            }
            p += 2 + l;
        }
        return OK;
    }

    /**
     * Finds the SRH on the extension-header chain of the IPv6 header at {@code l3}, walking
     * Hop-by-Hop and Destination Options headers as the kernel's ipv6_find_hdr does.
     *
     * @return absolute index of the SRH, {@link #ABSENT} or {@link #TRUNCATED}
     */
    public static int locate(ByteBuf b, int l3, int end) {
        int nh = Ipv6.nextHeader(b, l3);
        int p = l3 + Ipv6.LENGTH;
        while (true) {
            if (nh == Ipv6.PROTO_ROUTING) {
                if (p + 4 > end) {
                    return TRUNCATED;
                }
                if (routingType(b, p) == TYPE_SRH) {
                    return p;
                }
                return ABSENT;
            }
            if (nh != Ipv6.PROTO_HOPOPTS && nh != Ipv6.PROTO_DSTOPTS) {
                return ABSENT;
            }
            if (p + 2 > end) {
                return TRUNCATED;
            }
            nh = b.getUnsignedByte(p);
            p += 8 + 8 * b.getUnsignedByte(p + 1);
        }
    }

    /**
     * Writes an SRH at {@code off} from precomputed bytes; the caller fixes Next Header after.
     */
    public static void write(ByteBuf b, int off, byte[] template) {
        b.setBytes(off, template);
    }

    /**
     * Builds SRH bytes: Segment List[0] is the last segment of the path, so the list typed
     * {@code S1,...,Sn} is stored reversed; Segments Left = n - 1; Last Entry = n - 1.
     *
     * @param segsInPathOrder S1 first
     * @param nextHeader      the header that follows
     * @return 8 + 16 n bytes
     */
    public static byte[] build(java.util.List<byte[]> segsInPathOrder, int nextHeader) {
        int n = segsInPathOrder.size();
        byte[] out = new byte[8 + 16 * n];
        out[0] = (byte) nextHeader;
        out[1] = (byte) (2 * n);
        out[2] = TYPE_SRH;
        out[3] = (byte) (n - 1);
        out[4] = (byte) (n - 1);
        for (int i = 0; i < n; i++) {
            System.arraycopy(segsInPathOrder.get(n - 1 - i), 0, out, 8 + 16 * i, 16);
        }
        return out;
    }
}
