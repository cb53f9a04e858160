package org.srv6.appliance.core.internal.fib;

/**
 * IPv4 longest-prefix-match table. The address occupies the top 32 bits of the high word of a
 * {@link Fib6}, so both families share one allocation-free lookup with the same cost bound.
 *
 * @param <V> route value
 */
public final class Fib4<V> {

    private final Fib6<V> fib;

    public Fib4() {
        this(new Fib6<>());
    }

    private Fib4(Fib6<V> fib) {
        this.fib = fib;
    }

    /** Returns a deep copy that can be modified without disturbing readers of this instance. */
    public Fib4<V> copy() {
        return new Fib4<>(fib.copy());
    }

    public int size() {
        return fib.size();
    }

    public V add(int addr, int len, V value) {
        return fib.add(hi(addr), 0L, checkLen(len), value);
    }

    public V remove(int addr, int len) {
        return fib.remove(hi(addr), 0L, checkLen(len));
    }

    public V get(int addr, int len) {
        return fib.get(hi(addr), 0L, checkLen(len));
    }

    /** Longest-prefix match of addr; null when no prefix covers it. Allocation-free. */
    public V lookup(int addr) {
        return fib.lookup(hi(addr), 0L);
    }

    private static long hi(int addr) {
        return (addr & 0xffffffffL) << 32;
    }

    private static int checkLen(int len) {
        if (len < 0 || len > 32) {
            throw new IllegalArgumentException("prefix length " + len + " is invalid; expected 0..32");
        }
        return len;
    }
}
