package org.srv6.appliance.api.behavior;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A route lookup a behavior may make while it processes a packet (e.g. End.S: "match(last SID)
 * in specified table T"). The core fills {@link PacketContext#routes} with one per event loop,
 * bound to the tables of the frame at hand; it is allocation-free and lock-free, like the
 * forwarding lookup itself.
 */
@ProviderType
public interface RouteLookup {
    /** Answers no to everything: the value before the core (or a test) sets one. */
    RouteLookup NONE = (table, hi, lo) -> false;

    /**
     * @return true when the IPv6 address {@code hi:lo} has a unicast route in {@code table}
     *         (looked up as the core looks up the next hop of {@link Verdict#FORWARD_NH6}: the
     *         local table first, then {@code table}), so that a {@code FORWARD_NH6} to that
     *         address with {@link PacketContext#table} = {@code table} and no output port leaves
     *         along that route
     */
    boolean unicast6(int table, long hi, long lo);
}
