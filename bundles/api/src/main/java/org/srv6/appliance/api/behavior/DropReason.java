package org.srv6.appliance.api.behavior;

/** Why a packet was dropped; every drop is counted under one of these. */
public enum DropReason {
    NONE("not dropped"),
    BEHAVIOR_ABSENT("the SID's behavior bundle is not installed"),
    PORT_ABSENT("a port the SID's behavior names (oif, iif) does not exist; the SID is inactive until it is added"),
    PORT_CLAIMED("the service port the SID's proxy would take its returning traffic from is another SID's, or steered"),
    TRUNCATED("frame shorter than its headers say"),
    BAD_ETHERTYPE("ethertype not handled"),
    BAD_IP_VERSION("IP version field does not match the ethertype"),
    BAD_IP_HEADER("malformed IPv4/IPv6 header"),
    BAD_CHECKSUM("IPv4 header checksum wrong"),
    SRH_MALFORMED("malformed SRH (RFC 8754 §4.3.1.1: Parameter Problem sent)"),
    SRH_OVERRUN("SRH or its TLVs overrun the packet"),
    NO_SRH("the behavior needs an SRH and there is none"),
    SL_ZERO("Segments Left is 0 where the behavior needs a next segment"),
    SL_NOT_ZERO("Segments Left is not 0 where the behavior needs the last segment"),
    UPPER_LAYER("upper-layer header not handled at a SID (Parameter Problem sent)"),
    HOP_LIMIT("hop limit or TTL exceeded"),
    NO_ROUTE("no route to the destination"),
    NEIGHBOR_UNRESOLVED("next hop did not answer NDP/ARP"),
    NEIGHBOR_QUEUE_FULL("too many packets waiting for a next hop"),
    PORT_DOWN("output port is down or gone"),
    MTU_EXCEEDED("packet bigger than the output MTU (Packet Too Big sent)"),
    NO_HEADROOM("no room to push headers"),
    HMAC_INVALID("HMAC TLV wrong or its key unknown"),
    HMAC_MISSING("HMAC TLV required by the port's policy (ip sr hmac policy PORT 1) and absent"),
    UNSUPPORTED_PAYLOAD("inner payload type not handled by the behavior"),
    NOT_FOR_US("frame addressed to another MAC"),
    ICMP_RATE_LIMITED("ICMP error suppressed by the rate limit"),
    TX_FAILED("the port refused the frame"),
    INTERNAL("behavior threw; packet dropped"),
    NEIGHBOR_TABLE_FULL("no neighbor entry for the next hop: table (gc_thresh3) or the port's unresolved entries full"),
    PROXY_NOT_LEARNT("traffic back from a dynamic proxy's service before any header was learnt"),
    PROXY_HEADER_TOO_LONG("headers too long for a dynamic proxy to learn"),
    NEIGHBOR_BAD_SENDER("ARP/NDP with an all-zero, broadcast or multicast link-layer address: not learnt");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    /** @return one line saying what happened */
    public String description() {
        return description;
    }

    /** @return the name as shown in counters, e.g. {@code behavior-absent} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
