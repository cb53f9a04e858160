package org.srv6.appliance.behavior.endad.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ipv6;

/**
 * The draft's C(IFACE-IN): the outer IPv6 header and its extension headers last seen on the way
 * to the service, after the End step, in a buffer allocated once. The packet path shares it
 * between event loops without locks: a sequence number, odd while a loop writes (a seqlock). A
 * writer takes it by compare-and-set from even to odd, so two loops never write at once (the
 * loser does not learn this packet; the next one that differs does); a reader copies and retries
 * when the sequence moved, so a torn header never leaves the appliance.
 */
final class HeaderCache {
    /** The longest "IPv6 encaps" learnt: the IPv6 header and 1024 bytes of extension headers. */
    static final int MAX = Ipv6.LENGTH + 1024;
    /** Copies a reader tries while writers keep moving the sequence, before it gives up. */
    static final int READ_TRIES = 8;

    private static final VarHandle SEQ;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static {
        try {
            SEQ = MethodHandles.lookup().findVarHandle(HeaderCache.class, "seq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] bytes = new byte[MAX];
    /** Written only inside the odd phase of {@link #seq}. */
    private int length;
    private int nextHeaderField;
    private int innerType;
    /** Even: stable; odd: a loop is writing; 0: nothing learnt yet. */
    @SuppressWarnings("unused")
    private volatile long seq;
    /** System.nanoTime() of the last change, for the status line. */
    private volatile long learntAt;

    /** @return true when something was learnt */
    boolean learnt() {
        return (long) SEQ.getAcquire(this) != 0;
    }

    /** @return the inner type learnt with the header (41, 4, 143), 0 before anything was learnt */
    int innerType() {
        return learnt() ? innerType : 0;
    }

    long learntAt() {
        return learntAt;
    }

    /**
     * Lines 3-4 of the dynamic proxy: IF C(IFACE-IN) different from the IPv6 encaps THEN copy
     * the IPv6 encaps into C(IFACE-IN). "Different" leaves out what changes from packet to
     * packet without changing the policy and what the return path writes anyway: traffic class,
     * flow label, payload length and hop limit (the draft's Ref2 of the SR-MPLS variant keeps a
     * TTL margin for the same reason), so a steady flow reads the cache and never writes it.
     */
    void learn(ByteBuf b, int from, int len, int nhField, int inner) {
        long s = (long) SEQ.getAcquire(this);
        if ((s & 1) == 0 && s != 0 && same(b, from, len, nhField, inner, s)) {
            return;
        }
        if ((s & 1) != 0 || !SEQ.compareAndSet(this, s, s + 1)) {
            return; // another loop is writing: the next packet that differs learns
        }
        b.getBytes(from, bytes, 0, len);
        length = len;
        nextHeaderField = nhField;
        innerType = inner;
        SEQ.setRelease(this, s + 2);
        learntAt = System.nanoTime();
    }

    private boolean same(ByteBuf b, int from, int len, int nhField, int inner, long s) {
        boolean same = length == len && nextHeaderField == nhField && innerType == inner
                && b.getByte(from + Ipv6.NEXT_HEADER) == bytes[Ipv6.NEXT_HEADER];
        if (same) {
            int i = Ipv6.SRC;
            for (; i + 8 <= len && same; i += 8) {
                same = b.getLong(from + i) == (long) LONGS.get(bytes, i);
            }
            for (; i < len && same; i++) {
                same = b.getByte(from + i) == bytes[i];
            }
        }
        VarHandle.loadLoadFence();
        return same && (long) SEQ.getOpaque(this) == s;
    }

    /**
     * Copies the learnt header into {@code b} so that it ends right before {@code l3}, untorn:
     * the bytes before l3 are headroom, so a copy that a writer tore is simply done again.
     *
     * @param lowest the lowest index the header may start at
     * @return {@code nextHeaderField << 32 | length} of the copy; -1 when nothing was learnt, -2
     *         when writers kept moving it, -3 when it does not fit above {@code lowest}
     */
    long copyBefore(ByteBuf b, int l3, int lowest) {
        for (int t = 0; t < READ_TRIES; t++) {
            long s = (long) SEQ.getAcquire(this);
            if (s == 0) {
                return -1;
            }
            if ((s & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            int len = length;
            int nhField = nextHeaderField;
            boolean sane = len >= Ipv6.LENGTH && len <= MAX && nhField >= Ipv6.NEXT_HEADER && nhField < len;
            boolean fits = l3 - len >= lowest;
            if (sane && fits) {
                b.setBytes(l3 - len, bytes, 0, len);
            }
            VarHandle.loadLoadFence();
            if ((long) SEQ.getOpaque(this) == s) {
                if (!sane) {
                    return -2; // a stable entry is always sane; refuse rather than send garbage
                }
                return fits ? (long) nhField << 32 | len : -3;
            }
        }
        return -2;
    }

}
