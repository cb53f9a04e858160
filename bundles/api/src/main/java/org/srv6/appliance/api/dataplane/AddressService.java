package org.srv6.appliance.api.dataplane;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Port addresses: {@code ip addr}. Adding one also adds its local and connected routes like Linux. */
@ProviderType
public interface AddressService {

    /** @param cidr {@code ADDRESS/LEN} */
    void add(String port, String cidr) throws DataplaneException;

    void delete(String port, String cidr) throws DataplaneException;

    List<AddressInfo> list();
}
