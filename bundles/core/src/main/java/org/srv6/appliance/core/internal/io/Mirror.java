package org.srv6.appliance.core.internal.io;

import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;

/**
 * A port's mirror in a Linux control namespace ({@code srv6:lcp}): the netdev there ({@link #tap})
 * has the port's MAC and MTU. What the kernel sends on it leaves through the port unchanged
 * ({@link #inject}); what the engine decides is for the control plane goes to it ({@link #punt}).
 * Both ends point at it ({@link IoPort#mirror}) while it is attached; the packet path reads that
 * field once per frame. What is punted is policed ({@link #limit}, frames per second, a burst of
 * one second's worth): a flood to the port's addresses reaches the control namespace's kernel at
 * that rate at most, and the rest is dropped and counted ({@link #policed}).
 */
public final class Mirror {
    public final IoPort port;
    public final IoPort tap;
    public final String netns;
    public final String ifname;
    public final LongAdder punted = new LongAdder();
    public final LongAdder injected = new LongAdder();
    /** Frames not punted: over the rate. */
    public final LongAdder policed = new LongAdder();
    public final RateLimiter limit;

    /** @param puntRate frames per second punted at most (negative: no limit) */
    public Mirror(IoPort port, IoPort tap, String netns, String ifname, int puntRate) {
        this.port = port;
        this.tap = tap;
        this.netns = netns;
        this.ifname = ifname;
        this.limit = new RateLimiter(puntRate);
    }

    /** A frame the kernel sent on the mirror: out of the port as it is; releases it. Any loop. */
    public void inject(ByteBuf frame) {
        IoPort p = port;
        if (!p.up()) {
            tap.rxDropped.increment();
            frame.release();
            return;
        }
        if (p.send(frame)) {
            injected.increment();
        }
    }

    /** A frame for the control plane: to the mirror netdev; releases it. Any loop. */
    public void punt(ByteBuf frame) {
        if (!limit.tryAcquire()) {
            policed.increment();
            frame.release();
            return;
        }
        if (tap.send(frame)) {
            punted.increment();
        }
    }

    /** Both ends start using the mirror. */
    public void attach() {
        tap.mirror = this;
        port.mirror = this;
    }

    /** The port stops punting to the mirror and the mirror's frames stop leaving. */
    public void detach() {
        if (port.mirror == this) {
            port.mirror = null;
        }
        if (tap.mirror == this) {
            tap.mirror = null;
        }
    }
}
