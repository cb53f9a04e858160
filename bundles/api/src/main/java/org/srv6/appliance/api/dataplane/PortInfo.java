package org.srv6.appliance.api.dataplane;

/**
 * A port as {@code ip link show} prints it.
 *
 * @param index   the appliance's port index (stable while the port exists)
 * @param name    the name given at creation ({@code ip link add NAME type tap})
 * @param type    {@code tap}, {@code memory} or {@code pcap}
 * @param mac     {@code aa:bb:cc:dd:ee:ff}
 * @param mtu     bytes of L3 payload
 * @param up      administratively up
 * @param queues  TAP queues
 */
public record PortInfo(int index, String name, String type, String mac, int mtu, boolean up, int queues) {
}
