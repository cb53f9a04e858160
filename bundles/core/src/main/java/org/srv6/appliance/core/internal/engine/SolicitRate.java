package org.srv6.appliance.core.internal.engine;

import java.util.Arrays;

/**
 * The per-port budget of solicitations (NS / ARP requests): a token bucket of
 * {@code solicitPerSecond} tokens a second, burst of as many, on the resolver's clock. Used under
 * the neighbor table's lock; a solicitation refused here counts as sent and lost.
 */
final class SolicitRate {
    private final long rate;
    /** Thousandths of a token per port, and when each bucket was last filled. */
    private long[] tokens = new long[0];
    private long[] filled = new long[0];
    private volatile long limited;

    SolicitRate(int perSecond) {
        this.rate = perSecond;
    }

    /** @return whether the port may send one more solicitation at {@code now} (nanoseconds) */
    boolean allow(int port, long now) {
        if (port >= tokens.length) {
            int n = Math.max(port + 1, tokens.length * 2);
            int from = tokens.length;
            tokens = Arrays.copyOf(tokens, n);
            filled = Arrays.copyOf(filled, n);
            for (int i = from; i < n; i++) {
                tokens[i] = rate * 1000L;
                filled[i] = now;
            }
        }
        long elapsed = Math.min(Math.max(now - filled[port], 0), 10_000_000_000L);
        filled[port] = now;
        long t = Math.min(tokens[port] + elapsed * rate / 1_000_000L, rate * 1000L);
        if (t < 1000) {
            tokens[port] = t;
            limited++;
            return false;
        }
        tokens[port] = t - 1000;
        return true;
    }

    /** Solicitations held back so far. */
    long limited() {
        return limited;
    }
}
