package org.srv6.appliance.api.dataplane;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Ports: {@code ip link}. */
@ProviderType
public interface PortService {

    /** {@code ip link add NAME type tap [queues N]}: creates the kernel TAP device and opens it. */
    PortInfo addTap(String name, int queues) throws DataplaneException;

    /**
     * {@code ip link add NAME type tap [queues N] netns NS [name IFNAME]}: the TAP's netdev is made
     * in network namespace NS as IFNAME (default NAME) and kept across stops of the appliance, with
     * what its host configured on it; the next start attaches to it again. {@code ip link del}
     * removes it. With NS null this is {@link #addTap(String, int)}.
     */
    PortInfo addTap(String name, int queues, String netns, String ifname) throws DataplaneException;

    /** A port whose frames tests inject and collect in memory. */
    MemoryPort addMemory(String name) throws DataplaneException;

    /**
     * A port that reads frames from a pcap file (replayed once, at line rate) and writes what it
     * sends to another pcap file; either may be null.
     */
    PortInfo addPcap(String name, Path in, Path out) throws DataplaneException;

    /** {@code ip link del NAME}. */
    void delete(String name) throws DataplaneException;

    /** {@code ip link set NAME up|down}. */
    void setUp(String name, boolean up) throws DataplaneException;

    /** {@code ip link set NAME mtu N}. */
    void setMtu(String name, int mtu) throws DataplaneException;

    /** {@code ip link set NAME address MAC}. */
    void setMac(String name, String mac) throws DataplaneException;

    /**
     * {@code ip link set NAME vrf T}: IPv6 and IPv4 packets received on the port are looked up in
     * table T instead of main (254 binds it back to main); its connected routes move to T, as
     * Linux moves them to the table of the VRF a port is enslaved to. Table 0 and local (255) are
     * refused.
     */
    void setTable(String name, int table) throws DataplaneException;

    /** @return every port, by index */
    List<PortInfo> list();

    /** @return the port or null */
    PortInfo get(String name);

    /** @return the port's counters */
    PortCounters counters(String name) throws DataplaneException;

    /** {@code srv6:capture PORT FILE [count N]}: writes what the port sends and receives as pcap. */
    void capture(String name, Path file, int count) throws DataplaneException;
}
