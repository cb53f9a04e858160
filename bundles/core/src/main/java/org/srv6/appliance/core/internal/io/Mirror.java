package org.srv6.appliance.core.internal.io;

import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;

/**
 * A port's mirror in a Linux control namespace ({@code srv6:lcp}): the netdev there ({@link #tap})
 * has the port's MAC and MTU. What the kernel sends on it leaves through the port unchanged
 * ({@link #inject}); what the engine decides is for the control plane goes to it ({@link #punt}).
 * Both ends point at it ({@link IoPort#mirror}) while it is attached; the packet path reads that
 * field once per frame.
 */
public final class Mirror {
    public final IoPort port;
    public final IoPort tap;
    public final String netns;
    public final String ifname;
    public final LongAdder punted = new LongAdder();
    public final LongAdder injected = new LongAdder();

    public Mirror(IoPort port, IoPort tap, String netns, String ifname) {
        this.port = port;
        this.tap = tap;
        this.netns = netns;
        this.ifname = ifname;
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
