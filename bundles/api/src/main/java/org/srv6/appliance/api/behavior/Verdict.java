package org.srv6.appliance.api.behavior;

/**
 * What the core does with a packet after {@link BehaviorInstance#process}. The details (table,
 * next hop, port, drop reason, ICMP type and code) are in the {@link PacketContext}.
 */
public enum Verdict {
    /**
     * IP forwarding of the header at {@link PacketContext#l3}: decrement its hop limit (TTL),
     * look up its destination in {@link PacketContext#table} and proceed. A local destination
     * is delivered to the appliance itself, without decrement.
     */
    FORWARD,
    /**
     * IP forwarding to the adjacency {@link PacketContext#nextHop6} (IPv6 header at l3), out
     * {@link PacketContext#outPort} when ≥ 0, else out the port of the route to that next hop.
     */
    FORWARD_NH6,
    /** Like {@link #FORWARD_NH6} for an IPv4 header at l3 and {@link PacketContext#nextHop4}. */
    FORWARD_NH4,
    /** Send the Ethernet frame starting at the buffer's reader index as it is out {@link PacketContext#outPort}. */
    L2_OUT,
    /**
     * Send the bytes at l3 without IP processing (e.g. the MPLS label stack End.BM pushed) in an
     * Ethernet frame of type {@link PacketContext#etherType} to the IPv6 neighbor
     * {@link PacketContext#nextHop6}, out {@link PacketContext#outPort} when ≥ 0, else out the
     * port of the route to it.
     */
    L2_NH6,
    /** Like {@link #L2_NH6} to the IPv4 neighbor {@link PacketContext#nextHop4}. */
    L2_NH4,
    /**
     * Upper-layer processing by the appliance itself of the IPv6 header at l3 (RFC 8986 §4.1.1,
     * SPEC D2): an ICMPv6 Echo Request is answered from the destination address; any other
     * upper layer gets Parameter Problem code 4 pointing at the upper-layer header.
     */
    LOCAL,
    /** Drop and count under {@link PacketContext#dropReason}. */
    DROP,
    /**
     * Answer with an ICMPv6 (or ICMP for IPv4 at l3) error of {@link PacketContext#icmpType},
     * {@link PacketContext#icmpCode}, {@link PacketContext#icmpParam}, quoting the header at
     * l3, from the ingress port's address; then drop, counted under dropReason.
     */
    ICMP_ERROR,
    /** The instance kept or released the buffer itself; the core does nothing more. */
    CONSUMED
}
