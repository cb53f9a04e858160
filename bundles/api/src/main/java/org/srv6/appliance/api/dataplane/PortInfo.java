package org.srv6.appliance.api.dataplane;

/**
 * A port as {@code ip link show} prints it.
 *
 * @param index   the appliance's port index (stable while the port exists)
 * @param name    the name given at creation ({@code ip link add NAME type tap})
 * @param type    {@code tap}, {@code packet}, {@code memory} or {@code pcap}
 * @param mac     {@code aa:bb:cc:dd:ee:ff}
 * @param mtu     bytes of L3 payload
 * @param up      administratively up
 * @param queues  TAP queues
 * @param netns   the network namespace a TAP's netdev was made in ({@code netns NS}), or null
 * @param ifname  the netdev's name there, or null when it is the port's name; for a {@code packet}
 *                port the interface it is attached to ({@code dev IFNAME})
 * @param table   the table plain IP input on this port is looked up in ({@code ip link set NAME vrf T};
 *                254, main, unless bound elsewhere)
 * @param io      how frames move, for {@code ip -d link show} (a packet port's rings), or null
 */
public record PortInfo(int index, String name, String type, String mac, int mtu, boolean up, int queues, String netns,
        String ifname, int table, String io) {

    /** A port without I/O details. */
    public PortInfo(int index, String name, String type, String mac, int mtu, boolean up, int queues, String netns,
            String ifname, int table) {
        this(index, name, type, mac, mtu, up, queues, netns, ifname, table, null);
    }

    /** A port whose input is looked up in the main table. */
    public PortInfo(int index, String name, String type, String mac, int mtu, boolean up, int queues, String netns,
            String ifname) {
        this(index, name, type, mac, mtu, up, queues, netns, ifname, RouteGrammar.MAIN);
    }

    /** A port whose netdev (if any) lives in the appliance's own namespace under the port's name. */
    public PortInfo(int index, String name, String type, String mac, int mtu, boolean up, int queues) {
        this(index, name, type, mac, mtu, up, queues, null, null);
    }
}
