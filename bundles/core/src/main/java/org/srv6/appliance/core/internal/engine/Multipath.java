package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;

/**
 * The paths of a multipath (ECMP) route, built once by the control plane and never changed: each
 * path's port, gateway and weight. A packet takes the path its flow hash falls on, by the
 * kernel's hash threshold: path {@code i} takes the hashes up to {@link #bounds}{@code [i]}, the
 * share of the 31-bit hash space its weight gives it; the same flow always lands on the same path.
 * The flow hash is the kernel's default L3 policy ({@code fib_multipath_hash_policy=0}): IPv6
 * source, destination, flow label and next header; IPv4 source and destination. A path
 * whose port is absent or down is passed over for the next live one, as the kernel passes over a
 * dead next hop. Nothing here allocates or locks.
 */
public final class Multipath {
    private final int[] ports;
    private final long[] viaHi;
    private final long[] viaLo;
    private final int[] via4;
    private final boolean[] hasVia;
    private final int[] weights;
    /** Upper bound (inclusive) of the hashes each path takes; the last is 2^31 - 1. */
    private final int[] bounds;

    /**
     * @param ports   output port index of each path
     * @param hasVia  whether the path has a gateway (else the destination is on its link)
     * @param viaHi   IPv6 gateway, high half
     * @param viaLo   IPv6 gateway, low half
     * @param via4    IPv4 gateway
     * @param weights 1..256 each
     */
    public Multipath(int[] ports, boolean[] hasVia, long[] viaHi, long[] viaLo, int[] via4, int[] weights) {
        int n = ports.length;
        if (n < 2 || hasVia.length != n || viaHi.length != n || viaLo.length != n || via4.length != n
                || weights.length != n) {
            throw new IllegalArgumentException("a multipath route has two paths or more, each with port, gateway"
                    + " and weight");
        }
        this.ports = ports.clone();
        this.hasVia = hasVia.clone();
        this.viaHi = viaHi.clone();
        this.viaLo = viaLo.clone();
        this.via4 = via4.clone();
        this.weights = weights.clone();
        long total = 0;
        for (int w : weights) {
            if (w < 1 || w > 256) {
                throw new IllegalArgumentException("weight " + w + "; expected 1 to 256");
            }
            total += w;
        }
        bounds = new int[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += weights[i];
            // as fib_rebalance: round(sum * 2^31 / total) - 1
            bounds[i] = (int) ((((sum << 31) + total / 2) / total) - 1);
        }
    }

    /** @return the number of paths */
    public int size() {
        return ports.length;
    }

    public int port(int i) {
        return ports[i];
    }

    public boolean hasVia(int i) {
        return hasVia[i];
    }

    public long viaHi(int i) {
        return viaHi[i];
    }

    public long viaLo(int i) {
        return viaLo[i];
    }

    public int via4(int i) {
        return via4[i];
    }

    public int weight(int i) {
        return weights[i];
    }

    /** @return true when a path goes out {@code port} */
    public boolean uses(int port) {
        for (int p : ports) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }

    /** @return the path a 31-bit flow hash falls on, by weight */
    public int pick(int hash) {
        int n = bounds.length;
        for (int i = 0; i < n - 1; i++) {
            if (hash <= bounds[i]) {
                return i;
            }
        }
        return n - 1;
    }

    /**
     * The path of {@code hash} whose port is there and up: the one it falls on, else the next live
     * one after it; the one it falls on when none is live (the forwarder drops it, port down).
     */
    public int select(int hash, Tables t) {
        int n = ports.length;
        int i = pick(hash);
        for (int k = 0; k < n; k++) {
            int j = i + k < n ? i + k : i + k - n;
            PortState p = t.port(ports[j]);
            if (p != null && p.io.up()) {
                return j;
            }
        }
        return i;
    }

    /**
     * The flow hash of the IP packet at {@code l3}, whichever version it is ({@link #hash6},
     * {@link #hash4}); 0 for anything else (a frame an L2 behavior forwards).
     */
    public static int hash(ByteBuf b, int l3) {
        int left = b.writerIndex() - l3;
        if (left < Ipv4.MIN_LENGTH || l3 < 0) {
            return 0;
        }
        int version = (b.getByte(l3) >>> 4) & 0xf;
        if (version == 6 && left >= Ipv6.LENGTH) {
            return hash6(b, l3);
        }
        return version == 4 ? hash4(b, l3) : 0;
    }

    /** The flow hash of the IPv6 header at {@code l3}: source, destination, flow label, next header (31 bits). */
    public static int hash6(ByteBuf b, int l3) {
        long h = mix(0x9e37_79b9_7f4a_7c15L ^ Ipv6.srcHi(b, l3));
        h = mix(h ^ Ipv6.srcLo(b, l3));
        h = mix(h ^ Ipv6.dstHi(b, l3));
        h = mix(h ^ Ipv6.dstLo(b, l3));
        h = mix(h ^ (((long) (b.getInt(l3) & 0xf_ffff)) << 8 | Ipv6.nextHeader(b, l3)));
        return (int) (h >>> 33);
    }

    /**
     * The flow hash of the IPv4 header at {@code l3}: source and destination (31 bits), the fields
     * of the kernel's ip_multipath_l3_keys (the protocol is not one of them).
     */
    public static int hash4(ByteBuf b, int l3) {
        long h = mix(0x9e37_79b9_7f4a_7c15L ^ ((long) Ipv4.src(b, l3) << 32 | (Ipv4.dst(b, l3) & 0xffff_ffffL)));
        return (int) (h >>> 33);
    }

    /** SplitMix64's finalizer: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
        return z ^ (z >>> 31);
    }
}
