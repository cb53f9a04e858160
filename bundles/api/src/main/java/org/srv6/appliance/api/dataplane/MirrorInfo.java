package org.srv6.appliance.api.dataplane;

/**
 * A port mirrored into a Linux control namespace ({@code srv6:lcp}): a kernel TAP there with the
 * port's MAC and MTU carries what the appliance punts to its control plane and what the control
 * plane sends out of the port.
 *
 * @param port     the appliance's port
 * @param netns    the network namespace of the mirror netdev (a name of {@code ip netns})
 * @param ifname   the mirror netdev's name in that namespace
 * @param punted   frames the appliance received on the port and handed to the mirror
 * @param injected frames the kernel sent on the mirror that left through the port
 * @param policed  frames for the control plane dropped for the punt rate ({@code srv6.lcp.punt.rate})
 */
public record MirrorInfo(String port, String netns, String ifname, long punted, long injected, long policed) {

    /** A mirror that has policed nothing. */
    public MirrorInfo(String port, String netns, String ifname, long punted, long injected) {
        this(port, netns, ifname, punted, injected, 0);
    }
}
