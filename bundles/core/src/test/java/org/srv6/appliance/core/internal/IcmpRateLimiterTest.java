package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.srv6.appliance.core.internal.io.RateLimiter;

/**
 * The per-port ICMP token bucket (RFC 4443 §2.4 f) with the rate {@code srv6.icmp.rate} gives
 * (a JVM system property, read once when the control plane's PortCfg is initialised; 0 = no errors, negative =
 * unlimited).
 */
public class IcmpRateLimiterTest {

    private static int burst(RateLimiter l, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            if (l.tryAcquire()) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    public void burstOfRateThenRatePerSecond() throws Exception {
        RateLimiter l = new RateLimiter(20);
        assertEquals("the burst", 20, burst(l, 1000));
        Thread.sleep(250);
        int refill = burst(l, 1000);
        assertTrue("about 5 after 250 ms at 20/s, got " + refill, refill >= 4 && refill <= 7);
    }

    @Test
    public void rateZeroSendsNoErrorAndNegativeIsUnlimited() {
        assertFalse(new RateLimiter(0).tryAcquire());
        assertEquals(100_000, burst(new RateLimiter(-1), 100_000));
    }
}
