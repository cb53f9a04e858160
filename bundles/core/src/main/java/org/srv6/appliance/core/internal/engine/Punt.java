package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.Mirror;

/**
 * Hands frames to the control plane ({@code srv6:lcp}): when the port a frame arrived on is
 * mirrored into a control namespace ({@link Loop#mirror}, read once per frame), what the engine
 * does not consume goes to the mirror whole, and what it answers but the control plane must also
 * see (NDP, ARP) goes there as a copy in a pooled frame of the runtime. Without a mirror nothing
 * is punted. The frame starts {@link Ethernet#LENGTH} before {@code ctx.l3} (the Ethernet header
 * the port received), which {@link Input} guarantees for every frame that has not been through
 * a behavior ({@code Loop.mirror} is cleared for those).
 */
final class Punt {
    private volatile IoRuntime rt;

    void runtime(IoRuntime runtime) {
        this.rt = runtime;
    }

    /**
     * Hands the frame to the mirror in place of dropping it.
     * @return false when the port has no mirror (the caller drops the frame as before)
     */
    boolean whole(Loop s) {
        Mirror m = s.mirror;
        if (m == null) {
            return false;
        }
        ByteBuf b = s.ctx.buf;
        b.readerIndex(s.ctx.l3 - Ethernet.LENGTH);
        s.ctx.buf = null;
        m.punt(b);
        return true;
    }

    /** Hands a copy of the frame to the mirror, if the port has one; the frame stays the engine's. */
    void copy(Loop s) {
        Mirror m = s.mirror;
        IoRuntime r = rt;
        if (m == null || r == null) {
            return;
        }
        ByteBuf b = s.ctx.buf;
        int from = s.ctx.l3 - Ethernet.LENGTH;
        ByteBuf c = r.newFrame();
        c.writeBytes(b, from, b.writerIndex() - from);
        m.punt(c);
    }
}
