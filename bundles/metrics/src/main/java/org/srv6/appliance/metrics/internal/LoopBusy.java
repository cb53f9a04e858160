package org.srv6.appliance.metrics.internal;

/**
 * The busy ratio of each event loop between two scrapes: the growth of its busy time over the
 * wall time that passed. The first reading compares with the start of this tracker.
 */
final class LoopBusy {
    private final java.util.function.LongSupplier clock;
    private long lastWall;
    private long[] lastBusy = new long[0];

    LoopBusy(java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.lastWall = clock.getAsLong();
    }

    LoopBusy() {
        this(System::nanoTime);
    }

    /** @return per loop, busy time grown / wall time passed since the previous call, within 0..1 */
    synchronized double[] ratios(long[] busyNanos) {
        long now = clock.getAsLong();
        long wall = now - lastWall;
        double[] out = new double[busyNanos.length];
        for (int i = 0; i < busyNanos.length; i++) {
            long before = i < lastBusy.length ? lastBusy[i] : 0;
            double r = wall <= 0 ? 0 : (double) (busyNanos[i] - before) / wall;
            out[i] = Math.max(0, Math.min(1, r));
        }
        lastWall = now;
        lastBusy = busyNanos.clone();
        return out;
    }
}
