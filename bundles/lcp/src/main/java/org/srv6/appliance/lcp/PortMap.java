package org.srv6.appliance.lcp;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.srv6.appliance.api.dataplane.MirrorInfo;

/**
 * Which appliance port a kernel interface of the control namespace stands for: the port whose
 * mirror ({@code srv6:lcp add PORT … name IFNAME}) has that interface name; without such a mirror,
 * the port named like the interface (the mirror's default name, or an interface a test or an
 * operator made by hand), unless that port is mirrored under another name.
 *
 * <p>The mirrors are asked for once and kept until {@link #invalidate()}: a route message looks up
 * its interface, and 100k of them must not each ask the core. The follower invalidates on every
 * link message (a mirror made or removed in its namespace is one) and every second.
 */
public final class PortMap {
    private final Predicate<String> isPort;
    private final Supplier<List<MirrorInfo>> mirrors;
    private volatile List<MirrorInfo> known;

    /** @param isPort true for the name of an appliance port */
    public PortMap(Predicate<String> isPort) {
        this(isPort, List::of);
    }

    /**
     * @param isPort  true for the name of an appliance port
     * @param mirrors the mirrors now (empty when the core offers none)
     */
    public PortMap(Predicate<String> isPort, Supplier<List<MirrorInfo>> mirrors) {
        this.isPort = isPort;
        this.mirrors = mirrors;
    }

    /** @return the port kernel interface {@code ifname} mirrors, or null when none */
    public String port(String ifname) {
        if (ifname == null) {
            return null;
        }
        List<MirrorInfo> ms = known;
        if (ms == null) {
            ms = mirrors.get();
            known = ms;
        }
        for (MirrorInfo m : ms) {
            if (m.ifname().equals(ifname)) {
                return m.port();
            }
        }
        if (!isPort.test(ifname)) {
            return null;
        }
        for (MirrorInfo m : ms) {
            if (m.port().equals(ifname)) {
                return null; // mirrored under another name: this interface is not it
            }
        }
        return ifname;
    }

    /** Forgets the mirrors: the next lookup asks for them again. */
    public void invalidate() {
        known = null;
    }
}
