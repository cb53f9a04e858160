package org.srv6.appliance.api.dataplane;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The neighbor table: {@code ip neigh}. */
@ProviderType
public interface NeighborService {

    /** Adds a PERMANENT entry. */
    void add(String address, String mac, String port) throws DataplaneException;

    void delete(String address, String port) throws DataplaneException;

    /**
     * Adds a PERMANENT entry a control plane owns ({@code proto}, e.g. the kernel of the control
     * namespace): it works as any other but the running configuration leaves it out (the control
     * plane puts it back) and {@code ip neigh show} prints it with {@code proto NAME}. An entry typed
     * in the shell (no {@code proto}) is never replaced this way: the call is refused. With
     * {@code proto} null this is {@link #add(String, String, String)}.
     */
    default void add(String address, String mac, String port, String proto) throws DataplaneException {
        add(address, mac, port);
    }

    /**
     * Deletes an entry control plane {@code proto} added; any other entry (typed in the shell,
     * learnt by ARP/NDP, owned by another) stays and the call is refused.
     */
    default void delete(String address, String port, String proto) throws DataplaneException {
        throw new DataplaneException("neighbors owned by a control plane are not supported");
    }

    /** Removes dynamic entries of a port (all ports when null). */
    void flush(String port) throws DataplaneException;

    /** @param family 4, 6 or 0 for both */
    List<NeighborInfo> list(int family);
}
