package org.srv6.appliance.core.internal.io;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.function.Supplier;

import org.junit.Test;

import io.netty.channel.uring.IoUring;

/** srv6.io: which backend each value gives, where io_uring is available and where it is not. */
public class IoBackendTest {
    private static final Supplier<Throwable> AVAILABLE = () -> null;
    private static final Supplier<Throwable> DISABLED =
            () -> new UnsupportedOperationException("io_uring_setup: Operation not permitted");
    private static final Supplier<Throwable> NOT_ASKED = () -> {
        fail("io_uring's availability asked for srv6.io=epoll");
        return null;
    };

    @Test
    public void eachValueGivesItsBackend() {
        assertEquals(new IoRuntime.Choice(true, null), IoRuntime.choose("auto", AVAILABLE));
        assertEquals(new IoRuntime.Choice(true, null), IoRuntime.choose(null, AVAILABLE));
        assertEquals(new IoRuntime.Choice(true, null), IoRuntime.choose(" io_uring ", AVAILABLE));
        assertEquals(new IoRuntime.Choice(false, null), IoRuntime.choose("epoll", NOT_ASKED));
    }

    @Test
    public void withoutIoUringAutoIsEpollQuietlyAndIoUringIsEpollWithTheCause() {
        assertEquals(new IoRuntime.Choice(false, null), IoRuntime.choose("auto", DISABLED));
        assertEquals(new IoRuntime.Choice(false, "srv6.io=io_uring but io_uring is unavailable "
                + "(java.lang.UnsupportedOperationException: io_uring_setup: Operation not permitted); using epoll"),
                IoRuntime.choose("io_uring", DISABLED));
    }

    @Test
    public void anUnknownValueIsNamedAndAutoUsed() {
        assertEquals(new IoRuntime.Choice(true, "srv6.io=uring is not one of auto, io_uring, epoll; using io_uring"),
                IoRuntime.choose("uring", AVAILABLE));
        assertEquals(new IoRuntime.Choice(false, "srv6.io=kqueue is not one of auto, io_uring, epoll; using epoll"),
                IoRuntime.choose("kqueue", DISABLED));
    }

    /** The real runtime: this kernel allows io_uring (kernel.io_uring_disabled=0). */
    @Test
    public void theRuntimeRunsTheBackendAskedFor() {
        assertTrue("io_uring unavailable here: " + IoUring.unavailabilityCause(), IoUring.isAvailable());
        for (String io : new String[] {"epoll", "io_uring", "auto"}) {
            IoRuntime rt = new IoRuntime(1, (loop, port, frame) -> frame.release(), io);
            try {
                assertEquals(io.equals("epoll") ? "epoll" : "io_uring", rt.backend());
                assertNull(rt.backendNote());
            } finally {
                rt.close();
            }
        }
        IoRuntime rt = new IoRuntime(1, (loop, port, frame) -> frame.release(), "bogus");
        try {
            assertEquals("io_uring", rt.backend());
            assertFalse(rt.backendNote() == null);
        } finally {
            rt.close();
        }
    }
}
