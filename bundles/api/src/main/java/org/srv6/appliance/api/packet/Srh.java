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

    /** Bytes of the HMAC TLV (RFC 8754 §2.1.2): type, length 38, reserved, key id, 32-byte field. */
    public static final int HMAC_TLV_LENGTH = 40;
    /** Length of the HMAC field; a shorter digest (SHA-1) is followed by zeros, as in the kernel. */
    public static final int HMAC_FIELD_LENGTH = 32;
    /** Most segments an SRH can hold (Hdr Ext Len = 2 n ≤ 255). */
    public static final int MAX_SEGMENTS = 127;
    /** Most segments an SRH with an HMAC TLV can hold (2 n + 5 ≤ 255). */
    public static final int MAX_SEGMENTS_HMAC = 125;

    /**
     * Builds SRH bytes: Segment List[0] is the last segment of the path, so the list typed
     * {@code S1,...,Sn} is stored reversed; Segments Left = n - 1; Last Entry = n - 1. With an
     * HMAC key id (not negative) the HMAC flag is set and an HMAC TLV with that key id and a zero
     * field ends the SRH (the layout iproute2 builds); {@link SrhHmac#sign} fills the field.
     *
     * @param segsInPathOrder S1 first
     * @param nextHeader      the header that follows
     * @param hmacKeyId       key id of the HMAC TLV, or -1 for none
     * @return 8 + 16 n (+ 40) bytes
     */
    public static byte[] build(java.util.List<byte[]> segsInPathOrder, int nextHeader, long hmacKeyId) {
        return build(segsInPathOrder, nextHeader, hmacKeyId, false);
    }

    /**
     * Builds the reduced SRH of H.Encaps.Red / End.B6.Encaps.Red (RFC 8986 §5.2, §4.14), the
     * kernel's seg6_do_srh_encap_red: the first segment S1 (which goes into the outer destination
     * address) is left out of the list, so List[0] = Sn … List[n-2] = S2, Last Entry = n - 2 and
     * Segments Left = n - 1. With one segment and no HMAC there is no SRH at all (an empty array);
     * with one segment and an HMAC the full SRH is kept, as the kernel does.
     */
    public static byte[] buildReduced(java.util.List<byte[]> segsInPathOrder, int nextHeader, long hmacKeyId) {
        if (segsInPathOrder.size() == 1 && hmacKeyId < 0) {
            return new byte[0];
        }
        if (segsInPathOrder.size() == 1) {
            return build(segsInPathOrder, nextHeader, hmacKeyId, false);
        }
        return build(segsInPathOrder, nextHeader, hmacKeyId, true);
    }

    private static byte[] build(java.util.List<byte[]> segsInPathOrder, int nextHeader, long hmacKeyId,
            boolean reduced) {
        int n = segsInPathOrder.size();
        int stored = reduced ? n - 1 : n;
        boolean hmac = hmacKeyId >= 0;
        if (n < 1 || n > (hmac ? MAX_SEGMENTS_HMAC : MAX_SEGMENTS)) {
            throw new IllegalArgumentException("an SRH holds 1 to " + (hmac ? MAX_SEGMENTS_HMAC : MAX_SEGMENTS)
                    + " segments" + (hmac ? " with an HMAC TLV" : "") + ", not " + n);
        }
        int len = 8 + 16 * stored + (hmac ? HMAC_TLV_LENGTH : 0);
        byte[] out = new byte[len];
        out[0] = (byte) nextHeader;
        out[1] = (byte) (len / 8 - 1);
        out[2] = TYPE_SRH;
        out[3] = (byte) (n - 1);
        out[4] = (byte) (stored - 1);
        out[5] = (byte) (hmac ? FLAG_HMAC : 0);
        for (int i = 0; i < stored; i++) {
            System.arraycopy(segsInPathOrder.get(n - 1 - i), 0, out, 8 + 16 * i, 16);
        }
        if (hmac) {
            int t = len - HMAC_TLV_LENGTH;
            out[t] = TLV_HMAC;
            out[t + 1] = HMAC_TLV_LENGTH - 2;
            out[t + 4] = (byte) (hmacKeyId >>> 24);
            out[t + 5] = (byte) (hmacKeyId >>> 16);
            out[t + 6] = (byte) (hmacKeyId >>> 8);
            out[t + 7] = (byte) hmacKeyId;
        }
        return out;
    }

    /**
     * The HMAC TLV of the SRH at {@code off}, found as the kernel's seg6_get_tlv_hmac does: the
     * HMAC flag is set, the SRH is long enough, and its last 40 bytes are a TLV of type 5 and
     * length 38.
     *
     * @return absolute index of the TLV, or -1 when the SRH has none
     */
    public static int hmacTlv(ByteBuf b, int off) {
        int hel = hdrExtLen(b, off);
        if (hel < (lastEntry(b, off) + 1) * 2 + 5 || (flags(b, off) & FLAG_HMAC) == 0) {
            return -1;
        }
        int t = off + 8 + 8 * hel - HMAC_TLV_LENGTH;
        if (b.getUnsignedByte(t) != TLV_HMAC || b.getUnsignedByte(t + 1) != HMAC_TLV_LENGTH - 2) {
            return -1;
        }
        return t;
    }

    /** @return the key id of the HMAC TLV at {@code tlv} */
    public static long hmacKeyId(ByteBuf b, int tlv) {
        return b.getUnsignedInt(tlv + 4);
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
        return build(segsInPathOrder, nextHeader, -1, false);
    }
}
