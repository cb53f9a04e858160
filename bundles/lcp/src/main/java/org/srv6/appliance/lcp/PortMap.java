package org.srv6.appliance.lcp;

import java.util.function.Predicate;

/**
 * Which appliance port a kernel interface of the control namespace stands for. Today by name:
 * the interface named like a port is that port's mirror (the mirror's default name); the one place
 * to ask the mirror table instead once it exists.
 */
public final class PortMap {
    private final Predicate<String> isPort;

    /** @param isPort true for the name of an appliance port */
    public PortMap(Predicate<String> isPort) {
        this.isPort = isPort;
    }

    /** @return the port kernel interface {@code ifname} mirrors, or null when none */
    public String port(String ifname) {
        return ifname != null && isPort.test(ifname) ? ifname : null;
    }
}
