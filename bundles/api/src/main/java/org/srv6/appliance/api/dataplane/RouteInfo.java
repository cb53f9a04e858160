package org.srv6.appliance.api.dataplane;

/**
 * A route as {@code ip route show} prints it.
 *
 * @param spec         what was configured
 * @param text         the iproute2-shaped line, pasteable after {@code ip -6 route add}
 * @param active       false for a SID whose behavior bundle (or a port it names) is absent
 * @param packets      packets that matched (SIDs and steering routes); for a proxy SID, those to the service
 * @param bytes        bytes that matched
 * @param errors       packets the behavior dropped
 * @param proxy        true for a SID whose instance takes back what its service returns
 * @param fromPackets  packets that came back from the service (proxies only)
 * @param fromBytes    bytes that came back from the service
 * @param fromErrors   packets from the service dropped
 */
public record RouteInfo(RouteSpec spec, String text, boolean active, long packets, long bytes, long errors,
        boolean proxy, long fromPackets, long fromBytes, long fromErrors) {

    /** A route that is not a proxy SID. */
    public RouteInfo(RouteSpec spec, String text, boolean active, long packets, long bytes, long errors) {
        this(spec, text, active, packets, bytes, errors, false, 0, 0, 0);
    }
}
