package org.srv6.appliance.itests.kernel;

import java.util.function.BooleanSupplier;

/** Waiting for a state that an appliance or a kernel reaches in its own time. */
final class Poll {
    private Poll() {
    }

    /** @return true once {@code cond} holds, looked at every 50 ms for at most {@code millis} (false after) */
    static boolean within(long millis, BooleanSupplier cond) {
        return within(millis, 50, cond);
    }

    /** @return true once {@code cond} holds, looked at every {@code every} ms for at most {@code millis} */
    static boolean within(long millis, long every, BooleanSupplier cond) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return cond.getAsBoolean();
    }
}
