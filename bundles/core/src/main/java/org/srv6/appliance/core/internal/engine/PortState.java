package org.srv6.appliance.core.internal.engine;

import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.io.RateLimiter;

/**
 * What the loops need to know about a port in one snapshot: its device and its addresses.
 * Addresses are parallel arrays (no objects per address on the packet path).
 */
public final class PortState {
    public final IoPort io;
    /** Global (and unique-local) IPv6 addresses, in the order they were added. */
    public final long[] hi6;
    public final long[] lo6;
    public final int[] len6;
    /** The EUI-64 link-local address derived from the MAC. */
    public final long llHi;
    public final long llLo;
    public final int[] addr4;
    public final int[] len4;
    /** Ingress table (254 unless bound elsewhere). */
    public final int table;
    /** Steering by incoming port, or null. */
    public final Route steer;
    /**
     * True when {@link #steer} takes every frame whole ({@code l2encap}, {@code l2encap.red}): any
     * ethertype, any destination MAC, before the appliance looks at it; otherwise steering takes
     * the IP packets not addressed to the appliance.
     */
    public final boolean steerL2;
    /** {@code ip sr hmac policy}: -1 ignore, 0 verify if present, 1 require. */
    public final int hmacPolicy;
    /** ICMP error token bucket; loops update it (a lost update only lets an extra error through). */
    public final RateLimiter icmpLimit;

    /** A SID whose proxy instance takes back the frames arriving here ({@code BehaviorInstance.returnPort}), or null. */
    public final Route claim;

    public PortState(IoPort io, long[] hi6, long[] lo6, int[] len6, long llHi, long llLo, int[] addr4, int[] len4,
            int table, Route steer, int hmacPolicy, RateLimiter icmpLimit) {
        this(io, hi6, lo6, len6, llHi, llLo, addr4, len4, table, steer, hmacPolicy, icmpLimit, null);
    }

    public PortState(IoPort io, long[] hi6, long[] lo6, int[] len6, long llHi, long llLo, int[] addr4, int[] len4,
            int table, Route steer, int hmacPolicy, RateLimiter icmpLimit, Route claim) {
        this.claim = claim;
        this.io = io;
        this.hi6 = hi6;
        this.lo6 = lo6;
        this.len6 = len6;
        this.llHi = llHi;
        this.llLo = llLo;
        this.addr4 = addr4;
        this.len4 = len4;
        this.table = table;
        this.steer = steer;
        this.steerL2 = steer != null && isL2Mode(steer.spec().keyword());
        this.hmacPolicy = hmacPolicy;
        this.icmpLimit = icmpLimit;
    }

    /** @return true for the transit modes that carry the whole Ethernet frame */
    public static boolean isL2Mode(String mode) {
        return mode.equals("l2encap") || mode.equals("l2encap.red");
    }

    /** @return true when hi:lo is one of this port's IPv6 addresses, link-local included */
    public boolean owns6(long hi, long lo) {
        if (hi == llHi && lo == llLo) {
            return true;
        }
        for (int i = 0; i < hi6.length; i++) {
            if (hi6[i] == hi && lo6[i] == lo) {
                return true;
            }
        }
        return false;
    }

    public boolean owns4(int a) {
        for (int x : addr4) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }

    /** @return whether hi:lo is link-local or in one of this port's IPv6 prefixes (on-link, RFC 4861 §7.2.3) */
    public boolean onLink6(long hi, long lo) {
        if (isLinkLocal(hi)) {
            return true;
        }
        for (int i = 0; i < hi6.length; i++) {
            int len = len6[i];
            boolean in = len <= 64 ? ((hi ^ hi6[i]) & mask(len)) == 0
                    : hi == hi6[i] && ((lo ^ lo6[i]) & mask(len - 64)) == 0;
            if (in) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a is in one of this port's IPv4 subnets */
    public boolean onLink4(int a) {
        for (int i = 0; i < addr4.length; i++) {
            int len = len4[i];
            int m = len == 0 ? 0 : -1 << (32 - len);
            if (((a ^ addr4[i]) & m) == 0) {
                return true;
            }
        }
        return false;
    }

    private static long mask(int len) {
        return len == 0 ? 0 : -1L << (64 - len);
    }

    /** The EUI-64 interface identifier of a MAC (RFC 4291 appendix A) under fe80::/64. */
    public static long linkLocalLo(long mac) {
        long oui = (mac >>> 24) & 0xffffff;
        long nic = mac & 0xffffff;
        return ((oui ^ 0x020000L) << 40) | (0xfffeL << 24) | nic;
    }

    public static final long LINK_LOCAL_HI = 0xfe80_0000_0000_0000L;

    /** @return true for an address in fe80::/10 given its high 64 bits */
    public static boolean isLinkLocal(long hi) {
        return (hi & 0xffc0_0000_0000_0000L) == LINK_LOCAL_HI;
    }
}
