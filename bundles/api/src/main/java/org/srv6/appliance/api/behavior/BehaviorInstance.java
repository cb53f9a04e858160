package org.srv6.appliance.api.behavior;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One configured SID or steering route, ready to run. {@link #process} runs on an event loop:
 * it must not allocate, block, log or keep the buffer (unless it returns
 * {@link Verdict#CONSUMED}). The core closes an instance only after every loop has moved on.
 */
@ConsumerType
public interface BehaviorInstance extends AutoCloseable {

    /**
     * Applies the behavior to the packet whose IPv6 (or IPv4, for transit) header starts at
     * {@code ctx.l3}, rewriting it in place, and says what to do next.
     */
    Verdict process(PacketContext ctx);

    /** Releases what the instance holds; the default holds nothing. */
    @Override
    default void close() {
    }
}
