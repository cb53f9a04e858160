package org.srv6.appliance.api.behavior;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv6;

/**
 * The NEXT-CSID flavor of RFC 9800 that End, End.X and End.T share: the configuration rules of
 * {@code lblen}/{@code nflen} and one SID's locator-block and argument masks, precomputed as
 * longs so that {@link #shift} is allocation-free.
 */
public final class NextCsid {
    /** Locator-block length when {@code lblen} is not given (the kernel's default). */
    public static final int DEFAULT_LBLEN = 32;
    /** Node + function length when {@code nflen} is not given (the kernel's default). */
    public static final int DEFAULT_NFLEN = 16;

    private final int nflen;
    /** Bits of the locator block (kept on a shift). */
    private final long lbHi;
    private final long lbLo;
    /** Bits of the argument (the C-SIDs still to come). */
    private final long argHi;
    private final long argLo;

    private NextCsid(int lblen, int nflen) {
        this.nflen = nflen;
        this.lbHi = maskHi(0, lblen);
        this.lbLo = maskLo(0, lblen);
        this.argHi = maskHi(lblen + nflen, 128);
        this.argLo = maskLo(lblen + nflen, 128);
    }

    /** @return the masks of a configuration with the next-csid flavor, or null without it */
    public static NextCsid of(Attributes a) {
        return a.hasFlavor(Flavor.NEXT_CSID) ? new NextCsid(lblen(a), nflen(a)) : null;
    }

    /** @return the configured locator-block length, or the default */
    public static int lblen(Attributes a) {
        return a.has(Attribute.LBLEN) ? a.lblen() : DEFAULT_LBLEN;
    }

    /** @return the configured node + function length, or the default */
    public static int nflen(Attributes a) {
        return a.has(Attribute.NFLEN) ? a.nflen() : DEFAULT_NFLEN;
    }

    /** Checks the RFC 9800 lengths: multiples of 8, above 0, together at most 128 bits. */
    public static void validate(Attributes a) throws BehaviorException {
        boolean csid = a.hasFlavor(Flavor.NEXT_CSID);
        if (!csid && (a.has(Attribute.LBLEN) || a.has(Attribute.NFLEN))) {
            // AttributeParser says so for parsed text; this guards a configuration built elsewhere.
            throw new BehaviorException("lblen and nflen need flavors next-csid");
        }
        if (csid) {
            int lb = lblen(a);
            int nf = nflen(a);
            if (lb <= 0 || nf <= 0 || lb % 8 != 0 || nf % 8 != 0 || lb + nf > 128) {
                throw new BehaviorException("next-csid needs lblen and nflen multiples of 8, above 0, "
                        + "lblen + nflen <= 128; got lblen " + lb + " nflen " + nf);
            }
        }
    }

    /** @return the high 64 bits of a mask of bits [from, to) (bit 0 = most significant) */
    static long maskHi(int from, int to) {
        long m = 0;
        for (int i = from; i < to && i < 64; i++) {
            m |= 1L << (63 - i);
        }
        return m;
    }

    static long maskLo(int from, int to) {
        long m = 0;
        for (int i = Math.max(from, 64); i < to; i++) {
            m |= 1L << (127 - i);
        }
        return m;
    }

    /**
     * RFC 9800 §4.1.1 (End with NEXT-CSID), S01-S06 before the SRH: when the argument of the DA
     * still carries C-SIDs, checks the hop limit (Time Exceeded at <= 1, before any rewrite,
     * SPEC D3) and shifts them in, keeping the locator block; no SRH is touched.
     *
     * @return {@link Verdict#FORWARD} when the DA was shifted (the caller forwards it: table or
     *         adjacency), a final verdict on error, or null when the DA holds no further C-SID and
     *         the caller goes on with the SRH ({@link Endpoint#advance})
     */
    public Verdict shift(PacketContext ctx) {
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        if (l3 + Ipv6.LENGTH > b.writerIndex()) {
            return ctx.drop(DropReason.TRUNCATED);
        }
        long hi = Ipv6.dstHi(b, l3);
        long lo = Ipv6.dstLo(b, l3);
        if ((hi & argHi) == 0 && (lo & argLo) == 0) {
            return null;
        }
        if (Ipv6.hopLimit(b, l3) <= 1) {
            return ctx.icmpError(Icmp6.TIME_EXCEEDED, 0, 0, DropReason.HOP_LIMIT);
        }
        long sHi;
        long sLo;
        if (nflen < 64) {
            sHi = (hi << nflen) | (lo >>> (64 - nflen));
            sLo = lo << nflen;
        } else {
            sHi = nflen == 64 ? lo : lo << (nflen - 64);
            sLo = 0;
        }
        Ipv6.dst(b, l3, (hi & lbHi) | (sHi & ~lbHi), (lo & lbLo) | (sLo & ~lbLo));
        return Verdict.FORWARD;
    }
}
