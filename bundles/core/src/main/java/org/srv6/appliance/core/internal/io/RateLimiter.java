package org.srv6.appliance.core.internal.io;

/**
 * A token bucket: {@code rate} tokens per second, burst of {@code rate}; a negative rate lets
 * everything through, 0 nothing. Event loops update it without a lock: a lost update only lets
 * one more through. Used for ICMP errors (per port) and for what is punted to a mirror.
 */
public final class RateLimiter {
    private volatile int rate;
    private long tokensMilli;
    private long last = System.nanoTime();

    public RateLimiter(int rate) {
        this.rate = rate;
        this.tokensMilli = rate * 1000L;
    }

    public void rate(int perSecond) {
        this.rate = perSecond;
    }

    public int rate() {
        return rate;
    }

    /** @return true when one more may pass now */
    public boolean tryAcquire() {
        int r = rate;
        if (r <= 0) {
            return r < 0; // negative: unlimited; 0: none
        }
        long now = System.nanoTime();
        long elapsed = now - last;
        last = now;
        long cap = r * 1000L;
        long t = tokensMilli + elapsed * r / 1_000_000L;
        if (t > cap) {
            t = cap;
        }
        if (t < 1000) {
            tokensMilli = t;
            return false;
        }
        tokensMilli = t - 1000;
        return true;
    }
}
