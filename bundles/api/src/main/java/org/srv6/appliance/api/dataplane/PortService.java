package org.srv6.appliance.api.dataplane;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Ports: {@code ip link}. */
@ProviderType
public interface PortService {

    /**
     * {@code ip link add NAME type tap [queues N]}: creates the kernel TAP device and opens it;
     * {@code queues} 0 (none given) opens one queue per event loop.
     */
    PortInfo addTap(String name, int queues) throws DataplaneException;

    /**
     * {@code ip link add NAME type tap [queues N] netns NS [name IFNAME]}: the TAP's netdev is made
     * in network namespace NS as IFNAME (default NAME) and kept across stops of the appliance, with
     * what its host configured on it; the next start attaches to it again. {@code ip link del}
     * removes it. With NS null this is {@link #addTap(String, int)}.
     */
    PortInfo addTap(String name, int queues, String netns, String ifname) throws DataplaneException;

    /**
     * {@code ip link add NAME type packet dev IFNAME}: attaches the appliance to IFNAME, an
     * existing interface of its network namespace (a veth end, a NIC), through AF_PACKET sockets
     * instead of a TAP. The port takes IFNAME's MAC unless one is set; IFNAME is set up and
     * promiscuous while attached and stays when the port is deleted. Refused (nothing changed) for
     * an unknown interface or one attached already.
     */
    default PortInfo addPacket(String name, String dev) throws DataplaneException {
        throw new DataplaneException("AF_PACKET ports are not supported by this dataplane");
    }

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

    /**
     * {@code srv6:capture PORT FILE [count N] [filter EXPR]}: starts writing the frames the port
     * receives and sends that pass the filter to {@code file} as pcap, written out as they pass;
     * returns once the file holds its header. Refused (nothing started) for an unknown port, a
     * port with a running capture, a bad filter or a file that cannot be written.
     *
     * @param count frames to write, then the capture ends; 0 for no limit
     * @param filter {@code sid A}, {@code host A}, {@code proto P} with {@code and}, {@code or},
     *        {@code not}; null or blank for every frame
     */
    CaptureInfo startCapture(String name, Path file, long count, String filter) throws DataplaneException;

    /**
     * {@code srv6:capture PORT - ...}: streams the capture as pcap to {@code out} and returns when
     * it has ended: {@code count} frames written, {@link #stopCapture} or {@code out} failing
     * (a {@link java.io.PrintStream} whose client went away). Refused as {@link #startCapture}.
     */
    CaptureInfo streamCapture(String name, java.io.OutputStream out, long count, String filter)
            throws DataplaneException;

    /**
     * {@code srv6:capture stop PORT}: ends the port's capture once what it holds is written.
     *
     * @return the capture as it ended
     */
    CaptureInfo stopCapture(String name) throws DataplaneException;

    /** @return the running captures, by port */
    List<CaptureInfo> captures();
}
