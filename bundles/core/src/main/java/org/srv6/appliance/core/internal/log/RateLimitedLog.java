package org.srv6.appliance.core.internal.log;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * At most one log line per second for one reason, so that a flood of bad packets cannot fill
 * the disk; the line says how many it stands for. Cheap when it does not log: one clock read
 * and one compare.
 */
public final class RateLimitedLog {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder suppressed = new LongAdder();

    /** Logs {@code message} (built only when it is logged) unless a line was logged less than a second ago. */
    public void error(Supplier<String> message, Throwable t) {
        long now = System.nanoTime();
        long n = next.get();
        if ((n != Long.MIN_VALUE && now - n < 0) || !next.compareAndSet(n, now + INTERVAL_NANOS)) {
            suppressed.increment();
            return;
        }
        long held = suppressed.sumThenReset();
        CoreLog.error(message.get() + (held > 0 ? " (and " + held + " more in the last second)" : ""), t);
    }
}
