package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/** The leak check the dataplane tests end with can fail: a buffer dropped unreleased is reported. */
public class LeakWatchTest {

    @Test
    public void unreleasedBufferIsReported() throws Exception {
        leakOne();
        try {
            DataplaneTestSupport.assertNoLeakReported(3000);
            fail("a buffer dropped without release was not reported");
        } catch (AssertionError e) {
            assertTrue(e.getMessage(), e.getMessage().contains("LEAK:") && e.getMessage().contains("leakOne"));
        }
    }

    private static void leakOne() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        b.writeLong(42); // recorded access, shows this method in the report
    }
}
