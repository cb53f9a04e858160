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

    /**
     * Proxy behaviors (End.AS, End.AD, End.AM) take back what their service returns: the core
     * hands every frame arriving on this port (an index from {@link BehaviorContext#portIndex})
     * to {@link #processReturn} instead of forwarding it, except ARP, NDP and packets for the
     * appliance itself: IP packets to the port's MAC address, and whole frames (any type, any
     * other destination MAC, group addresses included; {@link PacketContext#wholeFrame}) for an
     * L2 service. The default, -1, claims no port.
     */
    default int returnPort() {
        return -1;
    }

    /**
     * A frame that arrived on {@link #returnPort()}, its IPv6/IPv4 header (or Ethernet payload)
     * at {@code ctx.l3}: the same rules and verdicts as {@link #process}.
     */
    default Verdict processReturn(PacketContext ctx) {
        return ctx.drop(DropReason.NOT_FOR_US);
    }

    /**
     * A short state the operator sees next to the SID's counters in {@code srv6:sids}, e.g. End.AD's
     * {@code learnt 3s ago} or {@code nothing learnt}; called from the control plane, never on the
     * packet path. The default, null, shows nothing.
     */
    default String status() {
        return null;
    }

    /** Releases what the instance holds; the default holds nothing. */
    @Override
    default void close() {
    }
}
