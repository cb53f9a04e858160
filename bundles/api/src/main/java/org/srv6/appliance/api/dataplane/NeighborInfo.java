package org.srv6.appliance.api.dataplane;

/**
 * A neighbor entry as {@code ip neigh show} prints it.
 *
 * @param address IP address text
 * @param port    port name
 * @param lladdr  MAC, or null while unresolved
 * @param state   {@code PERMANENT}, {@code REACHABLE}, {@code STALE}, {@code INCOMPLETE}, {@code FAILED}
 * @param proto   null, or the control plane that owns the entry ({@link NeighborService#add(String, String,
 *                String, String)}), printed as {@code proto NAME} like iproute2 prints a neighbor's protocol
 */
public record NeighborInfo(String address, String port, String lladdr, String state, String proto) {

    /** An entry no control plane owns. */
    public NeighborInfo(String address, String port, String lladdr, String state) {
        this(address, port, lladdr, state, null);
    }
}
