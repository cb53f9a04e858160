package org.srv6.appliance.core.internal.io;

import io.netty.buffer.ByteBuf;

/**
 * Receives frames on an event loop. The handler owns {@code frame}: it must send it (which
 * hands ownership to the port) or release it.
 */
public interface FrameHandler {

    /**
     * @param loop  index of the event loop calling (0 .. loops-1), for per-loop state
     * @param port  the port the frame arrived on
     * @param frame the Ethernet frame, reader index at its first byte, with at least
     *              {@code PacketContext.HEADROOM} bytes free before it
     */
    void onFrame(int loop, IoPort port, ByteBuf frame);

    /** Called once after each burst of reads on a loop (flush point). */
    default void onBurstEnd(int loop) {
    }
}
