package org.srv6.appliance.api.dataplane;

/**
 * A neighbor entry as {@code ip neigh show} prints it.
 *
 * @param address IP address text
 * @param port    port name
 * @param lladdr  MAC, or null while unresolved
 * @param state   {@code PERMANENT}, {@code REACHABLE}, {@code STALE}, {@code INCOMPLETE}, {@code FAILED}
 */
public record NeighborInfo(String address, String port, String lladdr, String state) {
}
