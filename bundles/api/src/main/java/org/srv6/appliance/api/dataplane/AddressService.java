package org.srv6.appliance.api.dataplane;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Port addresses: {@code ip addr}. Adding one also adds its local and connected routes like Linux. */
@ProviderType
public interface AddressService {

    /** @param cidr {@code ADDRESS/LEN} */
    void add(String port, String cidr) throws DataplaneException;

    void delete(String port, String cidr) throws DataplaneException;

    /**
     * Adds an address a control plane owns ({@code proto}, e.g. the kernel of the control
     * namespace): it works as any other but the running configuration leaves it out (the control
     * plane puts it back). With {@code proto} null this is {@link #add(String, String)}.
     */
    default void add(String port, String cidr, String proto) throws DataplaneException {
        add(port, cidr);
    }

    List<AddressInfo> list();
}
