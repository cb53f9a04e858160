package org.srv6.appliance.api.dataplane;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The neighbor table: {@code ip neigh}. */
@ProviderType
public interface NeighborService {

    /** Adds a PERMANENT entry. */
    void add(String address, String mac, String port) throws DataplaneException;

    void delete(String address, String port) throws DataplaneException;

    /** Removes dynamic entries of a port (all ports when null). */
    void flush(String port) throws DataplaneException;

    /** @param family 4, 6 or 0 for both */
    List<NeighborInfo> list(int family);
}
