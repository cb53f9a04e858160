package org.srv6.appliance.api.dataplane;

/**
 * A route as {@code ip route show} prints it.
 *
 * @param spec     what was configured
 * @param text     the iproute2-shaped line, pasteable after {@code ip -6 route add}
 * @param active   false for a SID whose behavior bundle is absent
 * @param packets  packets that matched (SIDs and steering routes)
 * @param bytes    bytes that matched
 * @param errors   packets the behavior dropped
 */
public record RouteInfo(RouteSpec spec, String text, boolean active, long packets, long bytes, long errors) {
}
