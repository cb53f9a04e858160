package org.srv6.appliance.api.dataplane;

/**
 * An address of a port.
 *
 * @param port   port name
 * @param family 4 or 6
 * @param text   {@code fc00::1/64} or {@code 10.0.0.1/24}
 */
public record AddressInfo(String port, int family, String text) {
}
